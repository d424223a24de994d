import type { Notification } from "../envelope";
import { asEventTime, asList, field, isObject, type JsonObject, optionalName, type Read, safeId, stringField } from "./read";

/**
 * One item of Banco Central's `{url}/pix` callback (or of `GET /pix`, which lists the same
 * `Pix` schema), read into its notifications. The webhook and the reconciler both come here,
 * so a Pix found either way has the same ids.
 *
 * - A received Pix is `pix.received`, id = endToEndId. An item that also carries refunds still
 *   yields it: the receipt is a fact, and with the plain endToEndId as its id it is dropped as
 *   a duplicate when it was delivered before.
 * - A Pix the account sent (some PSPs report it on the same callback: the item has `tipo`,
 *   e.g. `SOLICITACAO`) is `pix.sent.<status>`, id = `{endToEndId}:sent:{status}`: one
 *   endToEndId comes back once per status (`REALIZADO`, then maybe `NAO_REALIZADO`), and each
 *   is its own notification. Without a status it cannot be told from its next update: refused.
 * - A received item that carries a `status` of its own (no PSP documents one, but a status
 *   change must never be dropped) has it in its id: `{endToEndId}:{status}`.
 * - Each of `devolucoes` (a list or one object) is `pix.refund.<status>`, id =
 *   `{endToEndId}:refund:{id}:{status}`. Its data is the Pix's identifying fields
 *   (IDENTIFYING_FIELDS) with that refund alone in `devolucoes`: a refund alone does not say
 *   which Pix it reverses, and a copy of the whole item per refund made a 134 KB request cost
 *   seconds of CPU and hundreds of MB (the whole item is the `pix.received` envelope's).
 *
 * Subject: txid, else endToEndId (a refund carries it only when short: see
 * MAX_IDENTIFYING_LENGTH). Time: `horario` (a refund's `liquidacao`, else its `solicitacao`); a date that
 * does not parse leaves the receipt time.
 */
export async function readPixItem(item: unknown): Promise<Read<Notification[]>> {
  if (!isObject(item)) return { ok: false, reason: "The item is not an object." };
  const endToEndId = stringField(item, "endToEndId");
  if (endToEndId === undefined) return { ok: false, reason: "The item has no endToEndId." };
  const subject = stringField(item, "txid") ?? endToEndId;
  const time = asEventTime(field(item, "horario"));
  const named = optionalName(stringField(item, "status"), "The item's status");
  if (!named.ok) return named;
  const status = named.value;

  const notifications: Notification[] = [];
  const whole = { kind: "json", value: item } as const;
  if (field(item, "tipo") !== undefined) {
    if (status === "") return { ok: false, reason: "A sent Pix (it has tipo) has no status." };
    notifications.push({ id: await safeId(`${endToEndId}:sent:${status}`), type: `pix.sent.${status}`, subject, time, payload: whole, keys: [endToEndId] });
  } else {
    const id = status === "" ? endToEndId : `${endToEndId}:${status}`;
    notifications.push({ id: await safeId(id), type: "pix.received", subject, time, payload: whole, keys: [endToEndId] });
  }

  const devolucoes = field(item, "devolucoes");
  const identity = identifyingFields(item);
  const refundSubject = isShort(subject) ? subject : undefined;
  // A too-long endToEndId is hashed once here, not once per refund (its length times theirs).
  const refundBase = isShort(endToEndId) ? endToEndId : await safeId(endToEndId);
  for (const devolucao of asList(devolucoes)) {
    const refund = await readRefund(refundBase, devolucao);
    if (!refund.ok) return refund;
    // This refund alone, in the shape devolucoes had (a list of one, or the object).
    const value = { ...identity, devolucoes: Array.isArray(devolucoes) ? [devolucao] : devolucao };
    // Found by its Pix's endToEndId, and by its own id.
    const keys = [endToEndId, stringField(devolucao as JsonObject, "id", "rtrId") ?? ""];
    notifications.push({ ...refund.value, subject: refundSubject, payload: { kind: "json", value }, keys });
  }
  return { ok: true, value: notifications };
}

/** How many notifications an item makes: the Pix, and one per refund. Counted before any is built. */
export function pixItemCount(item: unknown): number {
  return 1 + asList(field(item, "devolucoes")).length;
}

/** What a refund's data repeats of its Pix: what says which Pix, amount and key it reverses. */
export const IDENTIFYING_FIELDS = ["endToEndId", "txid", "valor", "horario", "chave"] as const;

/**
 * Longer than any real one (an endToEndId has 32 characters, a txid at most 35, a key 77): a
 * longer value, and a longer subject, is left out of the refunds, which would otherwise repeat
 * it once each.
 */
export const MAX_IDENTIFYING_LENGTH = 140;

function identifyingFields(item: JsonObject): JsonObject {
  const identity: JsonObject = {};
  for (const name of IDENTIFYING_FIELDS) {
    const value = field(item, name);
    if ((typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && isShort(value))) identity[name] = value;
  }
  return identity;
}

function isShort(value: string | undefined): value is string {
  return value !== undefined && value.length <= MAX_IDENTIFYING_LENGTH;
}

async function readRefund(endToEndId: string, devolucao: unknown): Promise<Read<Omit<Notification, "payload" | "subject">>> {
  if (!isObject(devolucao)) return { ok: false, reason: "A devolucao is not an object." };
  const refundId = stringField(devolucao, "id", "rtrId");
  const named = optionalName(stringField(devolucao, "status"), "A devolucao's status");
  if (!named.ok) return named;
  const status = named.value;
  if (refundId === undefined) return { ok: false, reason: "A devolucao has no id." };
  if (status === "") return { ok: false, reason: "A devolucao has no status." };
  const horario = field(devolucao, "horario");
  return {
    ok: true,
    value: {
      id: await safeId(`${endToEndId}:refund:${refundId}:${status}`),
      type: `pix.refund.${status}`,
      // Settled refunds carry horario.liquidacao; pending ones only horario.solicitacao.
      time: asEventTime(field(horario, "liquidacao")) ?? asEventTime(field(horario, "solicitacao")),
    },
  };
}
