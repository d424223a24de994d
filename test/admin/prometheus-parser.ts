import { env } from "cloudflare:workers";

/** A metric family as prom2javascript reads it (test/node/prometheus-parser.global-setup.ts). */
export interface ParsedFamily {
  type: string;
  help: string;
  data: { labels: Record<string, string>; value?: number; buckets?: Record<string, number>; sum?: number; count?: number }[];
}
export type ParsedFamilies = Record<string, ParsedFamily>;

const PARSER = `http://127.0.0.1:${env.TEST_PROMETHEUS_PARSER_PORT}/parse`;

/** The text read by a real Prometheus text parser (npm's prom2javascript, run in Node); throws what it refuses. */
export async function parsePrometheus(text: string): Promise<ParsedFamilies> {
  const answer = await fetch(PARSER, { method: "POST", body: text });
  if (answer.status !== 200) throw new Error(`the parser refused the text: ${await answer.text()}`);
  return answer.json<ParsedFamilies>();
}

/** The one sample of a family whose labels include `labels`; undefined when there is none, an error when several. */
export function sample(families: ParsedFamilies, name: string, labels: Record<string, string>) {
  const matching = (families[name]?.data ?? []).filter((d) => Object.entries(labels).every(([k, v]) => d.labels[k] === v));
  if (matching.length > 1) throw new Error(`${matching.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matching[0];
}
