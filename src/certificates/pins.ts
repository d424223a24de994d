import * as z from "zod";

/**
 * Certificate fingerprints pinned at run time (`POST /admin/sources/{source}/certificates`),
 * in STATE KV under `pins:{source}`, added to the config's pins. Only read for a source
 * that has an `mtls` block, so other sources pay nothing for it.
 */
const Pins = z.array(z.string());

const key = (source: string) => `pins:${source}`;

export async function readPinnedFingerprints(kv: KVNamespace, source: string): Promise<string[]> {
  const parsed = Pins.safeParse(await kv.get(key(source), { type: "json", cacheTtl: 60 }));
  return parsed.success ? parsed.data : [];
}

export async function addPinnedFingerprint(kv: KVNamespace, source: string, fingerprint: string): Promise<void> {
  const current = await readPinnedFingerprints(kv, source);
  if (current.includes(fingerprint)) return;
  await kv.put(key(source), JSON.stringify([...current, fingerprint]));
}
