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
 *   `{endToEndId}:refund:{id}:{status}`. Its data is the item with only that refund in
 *   `devolucoes`: a refund alone does not say which Pix, amount or payer it reverses, and a
 *   sibling refund is another notification's business.
 *
 * Subject: txid, else endToEndId. Time: `horario` (a refund's `liquidacao`, else its
 * `solicitacao`); a date that does not parse leaves the receipt time.
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
    notifications.push({ id: await safeId(`${endToEndId}:sent:${status}`), type: `pix.sent.${status}`, subject, time, payload: whole });
  } else {
    const id = status === "" ? endToEndId : `${endToEndId}:${status}`;
    notifications.push({ id: await safeId(id), type: "pix.received", subject, time, payload: whole });
  }

  const devolucoes = field(item, "devolucoes");
  for (const devolucao of asList(devolucoes)) {
    const refund = await readRefund(endToEndId, devolucao);
    if (!refund.ok) return refund;
    // The item as it came, but with this refund alone, in the shape devolucoes had.
    const value = withOnly(item, Array.isArray(devolucoes) ? [devolucao] : devolucao);
    notifications.push({ ...refund.value, subject, payload: { kind: "json", value } });
  }
  return { ok: true, value: notifications };
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

/** A copy of the item whose `devolucoes` (under the name it was sent with) is `devolucoes`. */
function withOnly(item: JsonObject, devolucoes: unknown): JsonObject {
  const key = Object.keys(item).find((k) => k.toLowerCase() === "devolucoes") ?? "devolucoes";
  return { ...item, [key]: devolucoes };
}
