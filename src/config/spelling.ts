/**
 * Near misses: the key, option or reference a typo was probably meant to be (`dedupTtlSecond`
 * for `dedupTtlSeconds`, `secrte` for `secret`, `perSec` for `perSecond`). Letter case is ignored.
 */

/**
 * The first of `known` within two edits of `word`, else the first that `word` (3 characters or
 * more) abbreviates: `perSec` for `perSecond`, `fingerprint` for `fingerprintsSha256`.
 */
export function nearest(word: string, known: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  return known.find((k) => editDistance(k.toLowerCase(), lower) <= 2) ?? (lower.length >= 3 ? known.find((k) => k.toLowerCase().startsWith(lower)) : undefined);
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
