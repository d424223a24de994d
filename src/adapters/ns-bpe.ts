import { asEventTime, asNumber, asString, DEFAULT_DEDUP_TTL_SECONDS, field, parseJsonObject, safeId } from "./read";
import type { Adapter } from "./types";

/**
 * NS Tecnologia's BP-e offline-contingency result: one POST per document,
 * `{status, motivo, chBPe, cStat, xMotivo, nProt?, dhRecbto?}`.
 *
 * `status` is the answer of NS's own query (200 for both examples) and says nothing about the
 * document; `cStat` is SEFAZ's verdict. 100 is "Autorizado o uso do BP-e"; 150 is the same
 * authorization granted late, which is exactly what a contingency document sent after the
 * 24-hour deadline gets (SEFAZ's BP-e contingency rules), so it is authorized too.
 * Anything else, including a negative code from NS itself, is a rejection.
 */
const AUTHORIZED = new Set([100, 150]);

export const nsBpe: Adapter = {
  defaultMethods: ["POST"],
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request) {
    const parsed = parseJsonObject(request.body);
    if (!parsed.ok) return parsed;
    const body = parsed.value;

    const chBPe = asString(field(body, "chBPe"));
    if (chBPe === undefined) return { ok: false, reason: "The body has no chBPe." };
    const cStatRaw = field(body, "cStat");
    const cStatNumber = asNumber(cStatRaw);
    // "100" and 100 are the same verdict, so they make the same id.
    const cStat = cStatNumber !== undefined ? String(cStatNumber) : asString(cStatRaw);
    if (cStat === undefined) return { ok: false, reason: "The body has no cStat." };

    const authorized = cStatNumber !== undefined && AUTHORIZED.has(cStatNumber);
    return {
      ok: true,
      notifications: [
        {
          id: await safeId(`${chBPe}:${cStat}`),
          type: authorized ? "ns.bpe.authorized" : "ns.bpe.rejected",
          subject: chBPe,
          time: asEventTime(field(body, "dhRecbto")),
          payload: { kind: "json", value: body },
        },
      ],
    };
  },
};
