import { sha256Hex } from "../bytes";
import { DEFAULT_DEDUP_TTL_SECONDS, MAX_NAME_LENGTH, parseJson, type Read, safeId, stringField, toSnakeCase } from "./read";
import type { Adapter, ProviderRequest } from "./types";

/**
 * Banco BS2's notifications for indirect Pix (SPI) participants. The partner registers one
 * route per event (RecebimentoFinalizado, DevolucaoFinalizada, PagamentoFinalizado,
 * RestituicaoFinalizada, ValidacaoRecebimento, ValidacaoRestituicao,
 * ValidacaoRecebimentoCanalSecundario), so one source can take all seven by registering
 * `/hooks/{source}/{Event}` for each. The document does not show the payload, so it is read
 * for a few likely field names and otherwise kept whole.
 */
const EVENT_FIELDS = ["evento", "tipoEvento", "nomeEvento", "event", "eventType", "type"];
/** Notification ids first, then the refund's own id, then the Pix's end-to-end id. */
const ID_FIELDS = ["idNotificacao", "notificacaoId", "id", "rtrId", "idDevolucao", "endToEndId"];

export const bs2Spi: Adapter = {
  defaultMethods: ["POST"],
  // BS2 gives the first attempt ~300 ms before retrying, so re-sends of what was accepted
  // are common, but its retry cycle is short: the default window is ample.
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request) {
    const parsed = parseJson(request.body);
    if (!parsed.ok) return parsed;
    const body = parsed.value;

    // A notification that names no event is still BS2 telling us something: it is kept as
    // `bs2.spi.unknown` rather than quarantined, and a route on "bs2.spi.*" still gets it.
    const named = eventOf(request, body);
    if (!named.ok) return named;
    const event = named.value ?? "unknown";
    // The payload's own id may be shared by two events of one Pix (its validation and its
    // completion carry the same end-to-end id), so the event is part of the notification id.
    const ownId = stringField(body, ...ID_FIELDS);
    return {
      ok: true,
      notifications: [
        {
          id: await safeId(`${event}:${ownId ?? (await sha256Hex(request.body))}`),
          type: `bs2.spi.${event}`,
          subject: stringField(body, "endToEndId"),
          // The document names no event-time field; the envelope carries the receipt time.
          payload: { kind: "json", value: body },
        },
      ],
    };
  },
};

/**
 * The event in snake_case: from the route's last path segment (the registered route is the
 * authority, one per event), else from the payload. Unknown names pass as their own type; a
 * name longer than any event's is refused (see MAX_NAME_LENGTH).
 */
function eventOf(request: ProviderRequest, body: unknown): Read<string | undefined> {
  const segment = request.rest
    .split("/")
    .filter((s) => s !== "")
    .pop();
  const fromPayload = stringField(body, ...EVENT_FIELDS);
  for (const candidate of [segment, fromPayload]) {
    if (candidate === undefined) continue;
    if (candidate.length > MAX_NAME_LENGTH) return { ok: false, reason: `The event name is longer than ${MAX_NAME_LENGTH} characters.` };
    const snake = toSnakeCase(candidate);
    if (snake !== "") return { ok: true, value: snake };
  }
  return { ok: true, value: undefined };
}
