import { env } from "cloudflare:workers";

/** The example receivers that test/node/receivers.global-setup.ts starts, and their shared secret. */
export const RECEIVER_SECRET = "whsec_aW50ZXJvcC1yZWNlaXZlci1zaWduaW5nLWtleQ==";
/** Takes everything; 16 events at once. */
export const RECEIVER = `http://127.0.0.1:${env.TEST_RECEIVER_PORT}/webhooks`;
/** One event at a time, each taking 3 s; answers 503 with `Retry-After: 30` meanwhile. */
export const BUSY_RECEIVER = `http://127.0.0.1:${env.TEST_BUSY_RECEIVER_PORT}/webhooks`;

export interface Answer {
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
}

/** The real fetch, noting each answer (the delivery code keeps only what it needs of one). */
export function observedFetch() {
  const answers: Answer[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    const text = await response.clone().text();
    answers.push({ status: response.status, retryAfter: response.headers.get("retry-after"), body: text ? JSON.parse(text) : {} });
    return response;
  };
  return { fetch, answers };
}
