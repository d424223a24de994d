import type { Source } from "../../src/config/schema";
import type { Fresh } from "./ids";
import type { Json } from "./json";

/** What a provider sends for one notification, before it authenticates. */
export interface Simulation {
  method: string;
  /** Appended to `/hooks/{source}`: "" or "/pix", "/RecebimentoFinalizado". */
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: Uint8Array;
  /** One token per notification: fresh with --unique, else derived from the request, so a re-send repeats it. */
  messageId: string;
}

export interface SimulationInput {
  sourceName: string;
  source: Source;
  /** bs2-spi's event (the route's last segment). */
  event: string;
  /** New notification ids, so the gateway does not answer "duplicate". */
  unique: boolean;
  now: Date;
  fresh: Fresh;
  /** FILE's bytes: replaces the built-in body. */
  file?: Uint8Array;
}

export interface Provider {
  /** The method without FILE; with one it is POST. */
  method: "GET" | "POST";
  path(input: SimulationInput): string;
  /** The built-in body, or undefined for none. */
  example(input: SimulationInput): Json | undefined;
  /** A form-encoded body, for providers that send one (iugu). */
  form?(input: SimulationInput): string;
  /** --unique: new values for the ids (and times) the JSON body has; nothing is added. */
  freshen(body: Json, input: SimulationInput): void;
  /** Query and headers the provider adds (ids in the URL, the type in a header). */
  extras?(input: SimulationInput, messageId: string): { query?: [string, string][]; headers?: Record<string, string> };
}
