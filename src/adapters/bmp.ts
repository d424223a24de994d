import { sha256Hex } from "../bytes";
import type { NotificationPayload } from "../envelope";
import { asEventTime, asNumber, field, isBlank, parseJson, parseJsonObject, queryObject, queryParam, rawPayload, safeId, stringField } from "./read";
import type { Adapter, AdaptResult, ProviderRequest } from "./types";

/**
 * BMP (Money Plus) callbacks, by GET, POST or PUT, in two kinds:
 *
 * - a proposal status: `?proposal=&status=&identifier=` in the query (BMP's pages spell the
 *   names in lower case and capitalized, so any case), ids alphanumeric, maybe a JSON body
 *   (installments for status 9 and 10);
 * - a contract event, with no proposal in the query: a JSON body `{TipoEvento, NomeEvento,
 *   NroProposta, DtEvento, ...}`.
 */
const PROPOSAL_STATUS: Record<number, string> = {
  2: "approved",
  4: "canceled",
  5: "pending",
  6: "completed",
  8: "released",
  9: "paid",
  10: "assigned",
  11: "pending_payment",
};

/**
 * TipoEvento → name: 1 schedule_canceled (Cancelamento de Agenda), 2 surcharge_discount
 * (Acréscimo/Abatimento), 3 installment_posting (Lançamento na Parcela), 4 due_date_extension
 * (Prorrogação de Vencimento), 5 boleto_issued (Geração de Boleto), 6 boleto_canceled
 * (Cancelamento de Boleto). Another number n is `event_<n>`.
 */
const CONTRACT_EVENT: Record<number, string> = {
  1: "schedule_canceled",
  2: "surcharge_discount",
  3: "installment_posting",
  4: "due_date_extension",
  5: "boleto_issued",
  6: "boleto_canceled",
};

/**
 * One hour, not a week: a status id is `proposal:status`, and BMP's statuses repeat for
 * real (5 "pending" comes back after each new endorsement request, 11 after each bank-detail
 * fix). A week would drop the second "pending" as a duplicate; an hour still absorbs BMP's
 * retries of one callback.
 */
const BMP_DEDUP_TTL_SECONDS = 60 * 60;

export const bmp: Adapter = {
  defaultMethods: ["GET", "POST", "PUT"],
  defaultDedupTtlSeconds: BMP_DEDUP_TTL_SECONDS,
  async adapt(request) {
    const proposal = queryParam(request.query, "proposal")?.trim();
    return proposal ? proposalStatus(request, proposal) : contractEvent(request);
  },
};

async function proposalStatus(request: ProviderRequest, proposal: string): Promise<AdaptResult> {
  const status = asNumber(queryParam(request.query, "status"));
  if (status === undefined) return { ok: false, reason: "The query has a proposal but no numeric status." };
  return {
    ok: true,
    notifications: [
      {
        id: await safeId(`${proposal}:${status}`),
        type: `bmp.proposal.${PROPOSAL_STATUS[status] ?? `status_${status}`}`,
        subject: proposal,
        // A status comes back for real (5 after each endorsement request, 11 after each
        // bank-detail fix): each occurrence is its own envelope (docs/ids.md).
        recurs: true,
        payload: statusPayload(request),
      },
    ],
  };
}

/**
 * A status callback's data: the body as it came when there is one (the query is already in
 * the id, type and subject); the query parameters, all of them as sent, when there is none
 * (a GET, or a POST with an empty body). The status is read from the query alone, so a body
 * that is not JSON is kept as text or bytes rather than refused.
 */
function statusPayload(request: ProviderRequest): NotificationPayload {
  if (isBlank(request.body)) return { kind: "json", value: queryObject(request.query) };
  const parsed = parseJson(request.body);
  if (parsed.ok) return { kind: "json", value: parsed.value };
  return rawPayload(request.body, request.headers.get("content-type"));
}

async function contractEvent(request: ProviderRequest): Promise<AdaptResult> {
  if (isBlank(request.body)) return { ok: false, reason: "The query has no proposal and the body is empty." };
  const parsed = parseJsonObject(request.body);
  if (!parsed.ok) return parsed;
  const body = parsed.value;

  const tipoEvento = asNumber(field(body, "TipoEvento"));
  if (tipoEvento === undefined) return { ok: false, reason: "The body has no numeric TipoEvento." };
  const nroProposta = stringField(body, "NroProposta");
  if (nroProposta === undefined) return { ok: false, reason: "The body has no NroProposta." };

  // BMP gives contract events no id of their own; the content hash tells two events of the
  // same kind on the same proposal apart (two installment postings) and equals on a re-send.
  const contentHash = (await sha256Hex(request.body)).slice(0, 16);
  return {
    ok: true,
    notifications: [
      {
        id: await safeId(`${nroProposta}:${tipoEvento}:${contentHash}`),
        type: `bmp.contract.${CONTRACT_EVENT[tipoEvento] ?? `event_${tipoEvento}`}`,
        subject: nroProposta,
        // DtEvento is a date without a time ("2024-09-05"): no instant, so no event time.
        time: asEventTime(field(body, "DtEvento")),
        payload: { kind: "json", value: body },
      },
    ],
  };
}
