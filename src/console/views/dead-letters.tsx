/** @jsxImportSource hono/jsx */
import { maskId, maskText } from "../personal-data";
import type { DeadLetterPage } from "../shapes";
import { ApiForm, consoleHref, Empty, Field, Heading, localInput, plural, SearchForm, Select, Time } from "./parts";

export const DEAD_LETTER_KINDS = ["delivery", "unrouted", "quarantine"];

export interface DeadLetterFilter {
  q?: string;
  source?: string;
  route?: string;
  kind?: string;
  reason?: string;
  since?: string;
  until?: string;
}

/** Dead letters and quarantined requests, each replayable; and "replay every one matching" the filter. */
export function DeadLettersView(props: { page: DeadLetterPage; filter: DeadLetterFilter; sources: string[]; routes: string[]; reasons: string[] }) {
  const { page, filter } = props;
  const bulk = bulkFilter(filter);
  return (
    <section aria-labelledby="dl-title">
      <Heading title="Dead letters" />
      <SearchForm view="dead-letters" label="Filter dead letters">
        <Field id="dl-q" label="Envelope id or subject" name="q" value={filter.q} />
        <Select id="dl-source" label="Source" name="source" options={props.sources} value={filter.source} blank="any source" />
        <Select id="dl-route" label="Route" name="route" options={props.routes} value={filter.route} blank="any route" />
        <Select id="dl-kind" label="Kind" name="kind" options={DEAD_LETTER_KINDS} value={filter.kind} blank="any kind" />
        <Select id="dl-reason" label="Reason" name="reason" options={props.reasons} value={filter.reason} blank="any reason" />
        <Field id="dl-since" label="Kept since (UTC)" name="since" type="datetime-local" value={localInput(filter.since)} />
        <Field id="dl-until" label="Kept until (UTC)" name="until" type="datetime-local" value={localInput(filter.until)} />
        <div class="actions">
          <button type="submit">Filter</button>
        </div>
      </SearchForm>

      <ApiForm
        call="POST /admin/dead-letters/replay"
        done="Replay started."
        confirm={`Replay every dead letter matching ${describe(bulk)}?`}
        label="Replay every matching dead letter"
        class="bulk"
      >
        {Object.entries(bulk).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <p>
          <button type="submit">Replay every one matching</button> <span class="hint">{describe(bulk)}</span>
          {filter.q ? <span class="hint"> (the id or subject search applies to the list only)</span> : null}
        </p>
      </ApiForm>

      {page.deadLetters.length === 0 ? (
        <Empty>No dead letter matches.</Empty>
      ) : (
        <div class="table-scroll">
          <table class="list cards" id="dead-letters-table">
            <caption>{plural(page.deadLetters.length, "dead letter")}</caption>
            <thead>
              <tr>
                <th scope="col">Kept</th>
                <th scope="col">Kind</th>
                <th scope="col">Source</th>
                <th scope="col">Route</th>
                <th scope="col">Reason</th>
                <th scope="col">Last status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Envelope</th>
                <th scope="col">Subject</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {page.deadLetters.map((item) => (
                <tr>
                  <td data-label="Kept">
                    <Time at={item.createdAt} />
                  </td>
                  <td data-label="Kind">{item.kind}</td>
                  <td data-label="Source">{item.source}</td>
                  <td data-label="Route">{item.routeId ?? ""}</td>
                  <td data-label="Reason">
                    <a href={consoleHref("dead-letters", item.id)} aria-label={`${item.reason}: details`}>
                      {item.reason}
                    </a>
                  </td>
                  <td data-label="Last status">{item.lastStatus ?? ""}</td>
                  <td data-label="Attempts">{item.attempts}</td>
                  <td data-label="Envelope" class="mono">
                    {item.envelopeId ? <a href={consoleHref("events", item.envelopeId)}>{maskId(item.envelopeId)}</a> : ""}
                  </td>
                  <td data-label="Subject" class="subject">
                    {item.subject ? maskText(item.subject) : ""}
                  </td>
                  <td data-label="Action">
                    <ApiForm call={`POST /admin/dead-letters/${encodeURIComponent(item.id)}/replay`} done="Replay started." label={`Replay ${item.id}`}>
                      <button type="submit">{item.kind === "quarantine" ? "Read again" : "Replay"}</button>
                    </ApiForm>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.cursor ? (
        <p>
          <a href={consoleHref("dead-letters", undefined, { ...filter, cursor: page.cursor })}>More dead letters</a>
        </p>
      ) : null}
    </section>
  );
}

/** The bulk replay takes the filter's fields the contract names for it; `q` is the list's own. */
export function bulkFilter(filter: DeadLetterFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["source", "route", "kind", "reason", "since", "until"] as const) {
    const value = filter[key];
    if (value) out[key] = value;
  }
  return out;
}

function describe(bulk: Record<string, string>): string {
  const parts = Object.entries(bulk).map(([k, v]) => `${k} = ${v}`);
  return parts.length === 0 ? "every dead letter" : parts.join(", ");
}
