import type { Notification, NotificationPayload } from "../envelope";
import { asEventTime, asList, DEFAULT_DEDUP_TTL_SECONDS, field, isObject, parseJsonObject, type Read, safeId, stringField, toSnakeCase } from "./read";
import type { Adapter } from "./types";

/**
 * Banco Central's Pix webhook (`POST {url}/pix`, `{"pix": [...]}`), as BS2 Pix and other PSPs
 * send it. PSPs deviate from the schema: `pix` may be one object, ids may not be 32
 * characters, amounts may be numbers. Only `endToEndId` is needed; everything else is optional.
 *
 * Each item yields `pix.received` with the plain endToEndId as its id, and each of its
 * `devolucoes` (a list or one object) yields `pix.refund.<status>` with id
 * `${endToEndId}:refund:${devolucao.id}:${status}`, so every status of every refund is its own
 * event. An item that carries refunds still yields `pix.received`: the receipt is a fact, and
 * as its id is the plain endToEndId it is dropped as a duplicate when it was delivered before.
 *
 * `pix.received` carries the whole item as it came, refunds included. A refund's data is the
 * item with only that refund in `devolucoes` (refundPayload): a refund alone does not say which
 * Pix, amount or payer it reverses, and the item does, but an item with thousands of refunds
 * must not be copied whole into each of them.
 */
export const pix: Adapter = {
  defaultMethods: ["POST"],
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request) {
    const parsed = parseJsonObject(request.body);
    if (!parsed.ok) return parsed;
    const items = pixItems(parsed.value);
    if (items.length === 0) return { ok: false, reason: "The body has no pix items." };

    // One unreadable item makes the whole request unreadable: it is then kept whole in
    // quarantine instead of delivering part of a batch and losing the rest.
    const notifications: Notification[] = [];
    const ids = new Set<string>();
    for (const [index, item] of items.entries()) {
      const read = await notificationsOf(item);
      if (!read.ok) return { ok: false, reason: `pix[${index}]: ${read.reason}` };
      // An item or refund repeated inside one batch is one notification, not two.
      for (const notification of read.value) {
        if (ids.has(notification.id)) continue;
        ids.add(notification.id);
        notifications.push(notification);
      }
    }
    return { ok: true, notifications };
  },
};

/** `pix` as a list or one object; a body that is itself one item (it has an endToEndId) too. */
function pixItems(body: Record<string, unknown>): unknown[] {
  const list = field(body, "pix");
  if (list !== undefined) return asList(list);
  return stringField(body, "endToEndId") !== undefined ? [body] : [];
}

async function notificationsOf(item: unknown): Promise<Read<Notification[]>> {
  if (!isObject(item)) return { ok: false, reason: "The item is not an object." };
  const endToEndId = stringField(item, "endToEndId");
  if (endToEndId === undefined) return { ok: false, reason: "The item has no endToEndId." };
  const subject = stringField(item, "txid") ?? endToEndId;
  const payload = { kind: "json", value: item } as const;

  const notifications: Notification[] = [{ id: await safeId(endToEndId), type: "pix.received", subject, time: asEventTime(field(item, "horario")), payload }];
  for (const devolucao of asList(field(item, "devolucoes"))) {
    if (!isObject(devolucao)) return { ok: false, reason: "A devolucao is not an object." };
    const refundId = stringField(devolucao, "id", "rtrId");
    const status = toSnakeCase(stringField(devolucao, "status") ?? "");
    if (refundId === undefined) return { ok: false, reason: "A devolucao has no id." };
    if (status === "") return { ok: false, reason: "A devolucao has no status." };
    const horario = field(devolucao, "horario");
    notifications.push({
      id: await safeId(`${endToEndId}:refund:${refundId}:${status}`),
      type: `pix.refund.${status}`,
      subject,
      // Settled refunds carry horario.liquidacao; pending ones only horario.solicitacao.
      time: asEventTime(field(horario, "liquidacao")) ?? asEventTime(field(horario, "solicitacao")),
      payload: refundPayload(item, devolucao),
    });
  }
  return { ok: true, value: notifications };
}

/** The item with `devolucoes` holding only this refund (as a one-item list, or the object when it came as one). */
function refundPayload(item: Record<string, unknown>, devolucao: Record<string, unknown>): NotificationPayload {
  const key = Object.keys(item).find((k) => k.toLowerCase() === "devolucoes") ?? "devolucoes";
  return { kind: "json", value: { ...item, [key]: Array.isArray(item[key]) ? [devolucao] : devolucao } };
}
