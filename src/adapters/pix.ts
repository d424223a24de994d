import type { Notification } from "../envelope";
import { readRecurrence, readRecurringCharge } from "./pix-automatico";
import { pixItemCount, readPixItem } from "./pix-items";
import { asList, DEFAULT_DEDUP_TTL_SECONDS, field, parseJsonObject, type Read, stringField } from "./read";
import { type Adapter, type AdaptResult, tooMany } from "./types";

/**
 * Banco Central's Pix webhook, as BS2 Pix, Efí, Itaú, Sicredi and other PSPs send it: the
 * three callbacks of the API Pix on the registered URL (docs/contract.md §5.1).
 *
 * | `{rest}` | body | items read by |
 * |---|---|---|
 * | `pix` | `{"pix": [...]}` | ./pix-items.ts (received, sent, refunds) |
 * | `rec` | `{"recs": [...]}` | ./pix-automatico.ts (recurrences) |
 * | `cobr` | `{"cobsr": [...]}` | ./pix-automatico.ts (recurring charges) |
 *
 * The body's key decides; `{rest}` confirms. Its last segment is what Banco Central appended
 * (`pix/`, `//rec` and `hooks/x/cobr` all count); any other `{rest}`, or none (Efí's
 * `?ignorar=`, a PSP's test call), confirms nothing and the key alone decides. A `{rest}` that
 * names one callback while the body carries another's key is quarantined: one of the two is
 * wrong (a misregistered URL, a PSP bug), and guessing would file a payment under the wrong
 * type. A body with no key that is itself one item (it has the item's own id) is read as a
 * list of one, and so is a key holding one object instead of a list.
 */
export const pix: Adapter = {
  defaultMethods: ["POST"],
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request, _source, maxNotifications) {
    const parsed = parseJsonObject(request.body);
    if (!parsed.ok) return parsed;
    const body = parsed.value;

    const keyed = CALLBACKS.filter((c) => field(body, c.key) !== undefined);
    if (keyed.length > 1) return { ok: false, reason: `The body carries ${keyed.map((c) => c.key).join(" and ")}: one callback at a time.` };
    const named = CALLBACKS.find((c) => c.path === callbackPath(request.rest));
    const callback = keyed[0] ?? named ?? CALLBACKS[0]!;
    if (named !== undefined && named !== callback) {
      return { ok: false, reason: `The URL ends in /${named.path} but the body carries ${callback.key}.` };
    }

    const list = field(body, callback.key);
    const items = list !== undefined ? asList(list) : stringField(body, callback.itemId) !== undefined ? [body] : [];
    if (items.length === 0) return { ok: false, reason: `The body has no ${callback.key} items.` };
    // Counted before anything is built: a request over the bound is kept whole, never read.
    let count = 0;
    for (const item of items) count += callback.count(item);
    if (count > maxNotifications) return { ok: false, code: "too_many_notifications", reason: tooMany(count, maxNotifications) };
    return readItems(callback, items);
  },
};

interface Callback {
  /** What Banco Central appends to the registered URL. */
  path: string;
  /** The body's key holding the items. */
  key: string;
  /** The field that makes a bare body one item. */
  itemId: string;
  read: (item: unknown) => Promise<Read<Notification[]>>;
  /** How many notifications `read` makes of the item. */
  count: (item: unknown) => number;
}

const CALLBACKS: readonly Callback[] = [
  { path: "pix", key: "pix", itemId: "endToEndId", read: readPixItem, count: pixItemCount },
  { path: "rec", key: "recs", itemId: "idRec", read: readRecurrence, count: () => 1 },
  { path: "cobr", key: "cobsr", itemId: "txid", read: readRecurringCharge, count: () => 1 },
];

/** The last non-empty segment of `{rest}`, lower case: "pix/" → "pix", "/rec" → "rec". */
function callbackPath(rest: string): string {
  const segments = rest.split("/").filter((s) => s !== "");
  return (segments.at(-1) ?? "").toLowerCase();
}

/**
 * One unreadable item makes the whole request unreadable: it is then kept whole in
 * quarantine instead of delivering part of a batch and losing the rest. A notification
 * repeated inside one batch is one notification, not two.
 */
async function readItems(callback: Callback, items: unknown[]): Promise<AdaptResult> {
  const notifications: Notification[] = [];
  const ids = new Set<string>();
  for (const [index, item] of items.entries()) {
    const read = await callback.read(item);
    if (!read.ok) return { ok: false, reason: `${callback.key}[${index}]: ${read.reason}` };
    for (const notification of read.value) {
      if (ids.has(notification.id)) continue;
      ids.add(notification.id);
      notifications.push(notification);
    }
  }
  return { ok: true, notifications };
}
