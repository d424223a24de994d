import * as z from "zod";

/**
 * Certificate fingerprints pinned at run time (`POST /admin/sources/{source}/certificates`),
 * in STATE KV under `pins:{source}`, added to the config's pins. Only read for a source
 * that has an `mtls` block, so other sources pay nothing for it.
 */
const Pins = z.array(z.string());

const key = (source: string) => `pins:${source}`;

/** Throws on an unreadable document: pins that cannot be read must not read as "none". */
export async function readPinnedFingerprints(kv: KVNamespace, source: string, options: { cached: boolean } = { cached: true }): Promise<string[]> {
  const raw = await kv.get(key(source), options.cached ? { type: "json", cacheTtl: 60 } : { type: "json" });
  if (raw === null) return [];
  const parsed = Pins.safeParse(raw);
  if (!parsed.success) throw new Error(`the pinned certificates of ${source} are unreadable`);
  return parsed.data;
}

export async function addPinnedFingerprint(kv: KVNamespace, source: string, fingerprint: string): Promise<void> {
  // Read fresh, not through the edge cache: a second upload within a minute keeps the first.
  const current = await readPinnedFingerprints(kv, source, { cached: false });
  if (current.includes(fingerprint)) return;
  await kv.put(key(source), JSON.stringify([...current, fingerprint]));
}
