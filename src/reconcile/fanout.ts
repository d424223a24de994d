import type { ReconcilePage } from "../queue/messages";
import type { PageQuery } from "./page";
import type { PixPage } from "./pix-api";

/**
 * How a scan spreads over the RECONCILE queue: the page that knows what follows it (the cron's
 * first page, or a message marked `fanOut`) sends the pages after it, one message each, read in
 * parallel by as many consumer invocations. A PSP that says how many pages the window has
 * (`quantidadeDePaginas`) gets them all at once, FAN_OUT_PAGES at a time (the last of them
 * sends the next lot); one that does not gets them one after the other, each page sending the
 * next while the last was full. Offset paging is sound in parallel: the window is fixed in
 * the past when the scan starts.
 */
export const FAN_OUT_PAGES = 500;

/** The messages for the pages after `query`, given its answer; none when it was the last. */
export function pagesAfter(source: string, query: PageQuery, answer: PixPage): ReconcilePage[] {
  if (!answer.more) return [];
  const first = query.page + 1;
  const message = (page: number, fanOut: boolean): ReconcilePage => ({
    v: 1,
    kind: "reconcile",
    source,
    inicio: query.inicio,
    fim: query.fim,
    page,
    attempt: 0,
    fanOut,
  });
  if (answer.pages === undefined) return [message(first, true)];
  const end = Math.min(answer.pages, first + FAN_OUT_PAGES);
  const messages: ReconcilePage[] = [];
  for (let page = first; page < end; page += 1) messages.push(message(page, page === end - 1 && end < answer.pages));
  return messages;
}

/** Queues takes 100 messages a sendBatch. */
const SEND_BATCH_MESSAGES = 100;

export async function sendPages(queue: Queue<ReconcilePage>, messages: ReconcilePage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += SEND_BATCH_MESSAGES) {
    await queue.sendBatch(messages.slice(i, i + SEND_BATCH_MESSAGES).map((body) => ({ body, contentType: "json" as const })));
  }
}
