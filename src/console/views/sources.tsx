/** @jsxImportSource hono/jsx */
import type { SourceItem } from "../shapes";
import { ApiForm, Empty, Heading } from "./parts";

/** Each source's provider, auth rule types (never a credential), mTLS pins, and certificate upload. */
export function SourcesView(props: { sources: SourceItem[] }) {
  return (
    <section aria-labelledby="sources-title">
      <Heading title="Sources" />
      {props.sources.length === 0 ? <Empty>No source is configured.</Empty> : null}
      {props.sources.map((source) => (
        <article class="card" data-source={source.name} aria-labelledby={`src-${source.name}`}>
          <h2 id={`src-${source.name}`}>{source.name}</h2>
          <dl class="facts">
            <dt>Provider</dt>
            <dd>{source.provider}</dd>
            <dt>URL</dt>
            <dd class="mono">/hooks/{source.name}</dd>
            <dt>Methods</dt>
            <dd>{source.methods?.join(", ") ?? "provider default"}</dd>
            <dt>Auth rules</dt>
            <dd>{source.auth.map((rule) => rule.type).join(", ")}</dd>
            <dt>IP allow list</dt>
            <dd>{source.ipAllow?.join(", ") ?? "any address"}</dd>
            <dt>Unreadable payloads</dt>
            <dd>{source.onInvalid}</dd>
            <dt>Client certificate</dt>
            <dd>{source.mtls ? "required (mTLS)" : "not checked"}</dd>
            <dt>Confirm-by-fetch</dt>
            <dd class={source.confirm ? "mono" : undefined}>{source.confirm ? `reads ${source.confirm.baseUrl} before delivery` : "off"}</dd>
          </dl>
          {source.mtls ? <Pins source={source} mtls={source.mtls} /> : null}
        </article>
      ))}
    </section>
  );
}

function Pins(props: { source: SourceItem; mtls: NonNullable<SourceItem["mtls"]> }) {
  const { source, mtls } = props;
  const pins = [...mtls.fingerprintsSha256.map((f) => ({ f, from: "config" })), ...mtls.uploadedFingerprintsSha256.map((f) => ({ f, from: "uploaded" }))];
  const fieldId = `cert-${source.name}`;
  return (
    <>
      <h3>Pins</h3>
      <dl class="facts">
        <dt>Issuer DN</dt>
        <dd>{mtls.issuerDn ?? "any"}</dd>
        <dt>Subject DN</dt>
        <dd>{mtls.subjectDn ?? "any"}</dd>
      </dl>
      {pins.length === 0 ? (
        <p class="empty">No fingerprint pinned: any certificate Cloudflare verified passes the other checks.</p>
      ) : (
        <ul class="pins">
          {pins.map((pin) => (
            <li>
              <span class="mono">{pin.f}</span> <span class="muted">({pin.from})</span>
            </li>
          ))}
        </ul>
      )}
      <ApiForm
        call={`POST /admin/sources/${encodeURIComponent(source.name)}/certificates`}
        done="Certificate pinned."
        label={`Upload a certificate for ${source.name}`}
        class="upload"
      >
        <div class="field">
          <label for={fieldId}>Certificate (PEM, or base64 DER)</label>
          <textarea id={fieldId} name="certificate" rows={4} spellcheck={false} />
        </div>
        <div class="field">
          <label for={`${fieldId}-file`}>or a certificate file</label>
          <input id={`${fieldId}-file`} type="file" data-file="certificate" accept=".pem,.crt,.cer,.der" />
        </div>
        <div class="actions">
          <button type="submit">Pin certificate</button>
        </div>
      </ApiForm>
    </>
  );
}
