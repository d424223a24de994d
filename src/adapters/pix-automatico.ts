import type { Notification } from "../envelope";
import { asEventTime, asList, field, isObject, optionalName, type Read, safeId, stringField } from "./read";

/**
 * Pix Automático's two callbacks (Banco Central's API Pix 2.8): `{url}/rec` with
 * `{"recs": [...]}` and `{url}/cobr` with `{"cobsr": [...]}`.
 *
 * - A recurrence (`RecNotification`) is `pix.recurrence.<status>` (CRIADA, APROVADA,
 *   REJEITADA, EXPIRADA, CANCELADA), id = `{idRec}:{status}:{latest atualizacao date}`,
 *   subject idRec.
 * - A recurring charge (`CobRNotification`) is `pix.recurring_charge.<status>` (CRIADA, ATIVA,
 *   CONCLUIDA, EXPIRADA, REJEITADA, CANCELADA), id = `{txid}:{status}:{latest atualizacao
 *   date}`, subject txid. The latest date is taken over the charge's `atualizacao` and its
 *   `tentativas[].atualizacao`: a settlement attempt that changes (AGENDADA, then PAGA or
 *   REJEITADA) while the charge stays ATIVA is a new notification, not a duplicate.
 *
 * The date in the id is the latest one that parses, written as sent; when none parses, the
 * last one sent; when there is none, the id ends at the status. `time` is that date when it
 * is an RFC 3339 date-time, else the receipt time. Banco Central's own example has
 * `dataLiquidacao: '2024-20-08'` and a tentativa without `atualizacao`: neither stops the read.
 */
export async function readRecurrence(item: unknown): Promise<Read<Notification[]>> {
  if (!isObject(item)) return { ok: false, reason: "The item is not an object." };
  const idRec = stringField(item, "idRec");
  if (idRec === undefined) return { ok: false, reason: "The recurrence has no idRec." };
  return notification("pix.recurrence", idRec, item, updateDates(field(item, "atualizacao")));
}

export async function readRecurringCharge(item: unknown): Promise<Read<Notification[]>> {
  if (!isObject(item)) return { ok: false, reason: "The item is not an object." };
  const txid = stringField(item, "txid");
  if (txid === undefined) return { ok: false, reason: "The recurring charge has no txid." };
  const dates = updateDates(field(item, "atualizacao"));
  for (const tentativa of asList(field(item, "tentativas"))) dates.push(...updateDates(field(tentativa, "atualizacao")));
  return notification("pix.recurring_charge", txid, item, dates);
}

async function notification(prefix: string, key: string, item: Record<string, unknown>, dates: string[]): Promise<Read<Notification[]>> {
  const named = optionalName(stringField(item, "status"), "The status");
  if (!named.ok) return named;
  const status = named.value;
  if (status === "") return { ok: false, reason: `The ${prefix === "pix.recurrence" ? "recurrence" : "recurring charge"} has no status.` };
  const latest = latestDate(dates);
  const id = latest === undefined ? `${key}:${status}` : `${key}:${status}:${latest}`;
  return {
    ok: true,
    value: [{ id: await safeId(id), type: `${prefix}.${status}`, subject: key, time: asEventTime(latest), payload: { kind: "json", value: item } }],
  };
}

/** The `data` of each entry of an `atualizacao` list (one object is a list of one), as sent. */
function updateDates(atualizacao: unknown): string[] {
  const dates: string[] = [];
  for (const entry of asList(atualizacao)) {
    const date = stringField(entry, "data");
    if (date !== undefined) dates.push(date);
  }
  return dates;
}

function latestDate(dates: string[]): string | undefined {
  let latest: string | undefined;
  let latestMs = Number.NEGATIVE_INFINITY;
  for (const date of dates) {
    const ms = Date.parse(date);
    if (!Number.isNaN(ms) && ms > latestMs) {
      latest = date;
      latestMs = ms;
    }
  }
  return latest ?? dates.at(-1);
}
