/** @jsxImportSource hono/jsx */
import { maskId, maskText } from "../personal-data";
import type { EventSummary } from "../shapes";
import { consoleHref, Empty, formatTime, Heading, plural, State, Time } from "./parts";

/** What the overview shows, made from `GET /admin/metrics` and `GET /admin/events` (see overview-data.ts). */
export interface OverviewData {
  /** The start of each hourly bucket, oldest first. */
  hours: string[];
  /** Per source, one outcome → count record per hour, aligned with `hours`. */
  sources: { name: string; buckets: Record<string, number>[] }[];
  routes: {
    routeId: string;
    delivered: number;
    retried: number;
    dead: number;
    p50Ms?: number;
    p99Ms?: number;
    /** The histogram bucket each percentile lies in (null: no upper bound). */
    p50Within?: [number, number | null];
    p99Within?: [number, number | null];
  }[];
  operational: EventSummary[];
}

/** Outcomes in the order they are stacked; any other answer code is drawn as "refused". */
export const OUTCOMES = ["accepted", "duplicate", "quarantined", "invalid_payload", "refused", "unavailable"] as const;
export type ChartOutcome = (typeof OUTCOMES)[number];

export function chartOutcome(outcome: string): ChartOutcome {
  return (OUTCOMES as readonly string[]).includes(outcome) ? (outcome as ChartOutcome) : "refused";
}

const BAR = 14;
const HEIGHT = 80;

export function OverviewView(props: { data: OverviewData }) {
  const { data } = props;
  return (
    <section aria-labelledby="overview-title">
      <Heading title="Overview" />
      <h2>Requests per source, last 24 hours</h2>
      {data.sources.length === 0 ? <Empty>No request in the last 24 hours.</Empty> : null}
      <div class="charts">
        {data.sources.map((source) => (
          <SourceChart name={source.name} hours={data.hours} buckets={source.buckets} />
        ))}
      </div>

      <h2>Deliveries per route, last 24 hours</h2>
      {data.routes.length === 0 ? (
        <Empty>No delivery in the last 24 hours.</Empty>
      ) : (
        <table class="list" id="route-totals">
          <thead>
            <tr>
              <th scope="col">Route</th>
              <th scope="col">Delivered</th>
              <th scope="col">Retried</th>
              <th scope="col">Dead</th>
              <th scope="col">Receipt to delivery p50 / p99, at most (latest hour, redeliveries and replays left out)</th>
            </tr>
          </thead>
          <tbody>
            {data.routes.map((route) => (
              <tr>
                <td class="mono">{route.routeId}</td>
                <td>{route.delivered}</td>
                <td>{route.retried}</td>
                <td>
                  {route.dead > 0 ? (
                    <a href={consoleHref("dead-letters", undefined, { route: route.routeId })}>
                      <State state="dead" /> {route.dead}
                    </a>
                  ) : (
                    "0"
                  )}
                </td>
                <td class="latency">
                  {route.p50Ms !== undefined ? `${bound(route.p50Within, route.p50Ms)} / ${bound(route.p99Within, route.p99Ms)}` : ""}
                  {route.p50Within && route.p99Within ? (
                    <small class="latency-range">
                      {" "}
                      (p50 {range(route.p50Within)}, p99 {range(route.p99Within)})
                    </small>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Recent operational events</h2>
      {data.operational.length === 0 ? (
        <Empty>None logged. They are kept when a route takes them (events: hookgate.*).</Empty>
      ) : (
        <ul class="operational">
          {data.operational.map((event) => (
            <li>
              <Time at={event.receivedat} /> <a href={consoleHref("events", event.id)}>{maskId(event.type)}</a>{" "}
              {event.subject ? <span class="subject">{maskText(event.subject)}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ms(value: number | undefined): string {
  if (value === undefined) return "?";
  return value >= 1000 ? `${Number((value / 1000).toFixed(2))} s` : `${Math.round(value)} ms`;
}

/**
 * A percentile as the bound of the histogram bucket it lies in ("≤ 300 s"), not a figure
 * interpolated inside the bucket: with few deliveries the interpolation invents a time no delivery
 * took (284 s when the slowest took 130 s), where the bound is only ever an honest ceiling.
 */
function bound(within: [number, number | null] | undefined, value: number | undefined): string {
  if (within === undefined) return ms(value);
  return within[1] === null ? `> ${ms(within[0])}` : `≤ ${ms(within[1])}`;
}

/** A histogram bucket's bounds: between them lies the true value. */
function range([from, to]: [number, number | null]): string {
  return to === null ? `over ${ms(from)}` : `between ${ms(from)} and ${ms(to)}`;
}

/** Stacked hourly bars, with a text title on each bar and a legend with totals: nothing by colour alone. */
export function SourceChart(props: { name: string; hours: string[]; buckets: Record<string, number>[] }) {
  const stacks = props.buckets.map((bucket) => {
    const stack: Record<ChartOutcome, number> = { accepted: 0, duplicate: 0, quarantined: 0, invalid_payload: 0, refused: 0, unavailable: 0 };
    for (const [outcome, count] of Object.entries(bucket)) stack[chartOutcome(outcome)] += count;
    return stack;
  });
  const totals = OUTCOMES.map((o) => [o, stacks.reduce((sum, s) => sum + s[o], 0)] as const);
  const peak = Math.max(1, ...stacks.map((s) => OUTCOMES.reduce((sum, o) => sum + s[o], 0)));
  const titleId = `chart-${props.name}`;
  return (
    <figure class="chart" data-source={props.name}>
      <figcaption id={titleId}>
        <strong>{props.name}</strong> —{" "}
        {plural(
          totals.reduce((sum, [, n]) => sum + n, 0),
          "request",
        )}
      </figcaption>
      <svg viewBox={`0 0 ${props.hours.length * BAR} ${HEIGHT}`} width={props.hours.length * BAR} height={HEIGHT} role="img" aria-labelledby={titleId}>
        <title>{`Requests to ${props.name} per hour, last ${props.hours.length} hours`}</title>
        {stacks.map((stack, i) => {
          let y = HEIGHT;
          const hour = props.hours[i] ?? "";
          const label = `${formatTime(hour)}: ${
            OUTCOMES.filter((o) => stack[o] > 0)
              .map((o) => `${stack[o]} ${o}`)
              .join(", ") || "none"
          }`;
          return (
            <g>
              <title>{label}</title>
              <rect class="slot" x={i * BAR} y={0} width={BAR - 2} height={HEIGHT} />
              {OUTCOMES.filter((o) => stack[o] > 0).map((o) => {
                const h = Math.max(1, Math.round((stack[o] / peak) * HEIGHT));
                y -= h;
                return <rect class={`o-${o}`} x={i * BAR} y={y} width={BAR - 2} height={h} />;
              })}
            </g>
          );
        })}
      </svg>
      <ul class="legend">
        {totals
          .filter(([, n]) => n > 0)
          .map(([outcome, n]) => (
            <li>
              <span class={`swatch o-${outcome}`} aria-hidden="true" /> {outcome}: {n}
            </li>
          ))}
      </ul>
    </figure>
  );
}
