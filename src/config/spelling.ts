/**
 * Near misses: the key, option or reference a typo was probably meant to be (`dedupTtlSecond`
 * for `dedupTtlSeconds`, `secrte` for `secret`). Letter case is ignored.
 */

/** The first of `known` within two edits of `word`, if any. */
export function nearest(word: string, known: readonly string[]): string | undefined {
  return known.find((k) => editDistance(k.toLowerCase(), word.toLowerCase()) <= 2);
}

/** Levenshtein distance; keys and options are short, so the quadratic table is a few hundred cells. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
