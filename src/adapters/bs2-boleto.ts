import { asEventTime, asList, asNumber, asString, DEFAULT_DEDUP_TTL_SECONDS, field, isObject, parseJsonObject, safeId } from "./read";
import type { Adapter } from "./types";

/**
 * Banco BS2's collection (boleto) webhook: `{Id, DataNotificacao, NossoNumeroBoleto, ...,
 * StatusBoleto: {Status, Descricao, DataStatus}}`, re-sent until the receiver answers 2xx.
 * Only status 3 (settled) means the money reached the account; 2 is a payment seen in the
 * banking network that may still fail.
 */
const STATUS_NAMES: Record<number, string> = { 1: "registered", 2: "paid", 3: "settled", 4: "canceled" };

/**
 * The id is `${Id}:${status}`, not `Id` alone. BS2 calls Id the "unique notification code",
 * but if it ever reuses it for a later status of the same boleto, `Id` alone would drop the
 * settlement as a duplicate of the payment. A re-send of the same notification still carries
 * the same Id and status, so it is still caught.
 */
export const bs2Boleto: Adapter = {
  defaultMethods: ["POST"],
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request) {
    const parsed = parseJsonObject(request.body);
    if (!parsed.ok) return parsed;
    const body = parsed.value;

    const id = asString(field(body, "Id"));
    if (id === undefined) return { ok: false, reason: "The body has no Id." };
    const statusBoleto = latestStatus(field(body, "StatusBoleto"));
    const status = asNumber(field(statusBoleto, "Status"));
    if (status === undefined) return { ok: false, reason: "The body has no numeric StatusBoleto.Status." };

    return {
      ok: true,
      notifications: [
        {
          id: await safeId(`${id}:${status}`),
          type: `bs2.boleto.${STATUS_NAMES[status] ?? `status_${status}`}`,
          subject: asString(field(body, "NossoNumeroBoleto")),
          // Every status of one boleto shares its Id: found together (docs/event-log.md, search).
          keys: [id, asString(field(body, "SeuNumeroBoleto")) ?? ""],
          // DataStatus is when the event happened; DataNotificacao is only when BS2 sent it.
          time: asEventTime(field(statusBoleto, "DataStatus")),
          payload: { kind: "json", value: body },
        },
      ],
    };
  },
};

/**
 * StatusBoleto as one object, or the latest of a list: by DataStatus when every entry has
 * an ISO date-time (between equals the later in the list wins), else the last entry, as
 * the list is written in order.
 */
function latestStatus(value: unknown): unknown {
  const entries = asList(value).filter(isObject);
  // Dates are compared only when every entry has an ISO date-time: Date.parse reads
  // "13/09/2024" as nothing and "12/09/2024" as December, which would pick the wrong status.
  const times = entries.map((entry) => asEventTime(field(entry, "DataStatus")));
  if (times.some((t) => t === undefined)) return entries.at(-1);
  let latest = entries.at(-1);
  let latestAt = -Infinity;
  entries.forEach((entry, i) => {
    const at = Date.parse(times[i]!);
    if (at >= latestAt) {
      latest = entry;
      latestAt = at;
    }
  });
  return latest;
}
