/**
 * The console's stylesheet, served as /admin/console/app.css (CSP `style-src 'self'`).
 * Text contrast is at least 4.5:1 on its background; focus is always visible; states carry a
 * word and a sign beside their colour. Table cells keep words whole ("Replay",
 * "attempts_exhausted": break-word breaks only a word that cannot fit a line of its own) and a
 * table too wide scrolls inside .table-scroll; ids (mono) may break anywhere. On a phone every
 * table keeps its columns and scrolls sideways on its own; the page does not.
 */
export const CONSOLE_STYLE = `
:root { --fg: #1b1f24; --muted: #4a5360; --bg: #ffffff; --panel: #f3f5f8; --line: #c9d0d9; --link: #0b57b0;
  --ok: #136c2e; --ok-bg: #e3f4e7; --wait: #7a4a00; --wait-bg: #fff1d6; --bad: #a4161a; --bad-bg: #fde5e5; --focus: #ffbf47; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px #1b1f24; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: 6px 10px; }
.skip:focus { left: 8px; }
.top { display: flex; align-items: center; gap: 24px; padding: 10px 20px; background: #1b1f24; color: #fff; flex-wrap: wrap; }
.top a { color: #fff; text-decoration: none; padding: 4px 8px; border-radius: 4px; }
.top a[aria-current=page] { background: #fff; color: #1b1f24; font-weight: 600; }
.top a:hover { text-decoration: underline; }
.brand { font-weight: 700; letter-spacing: .02em; }
nav ul { display: flex; gap: 8px; list-style: none; margin: 0; padding: 0; flex-wrap: wrap; }
#sign-out { margin-left: auto; }
#status { margin: 0; padding: 6px 20px; min-height: 2em; }
#status.error, .form-error { color: var(--bad); font-weight: 600; }
#status.ok { color: var(--ok); }
main, #sign-in { padding: 0 20px 40px; max-width: 1280px; }
#sign-in { max-width: 420px; }
h1 { font-size: 1.5rem; margin: .4em 0; }
h2 { font-size: 1.15rem; margin: 1.4em 0 .5em; }
h3 { font-size: 1rem; }
.view-head { display: flex; align-items: baseline; gap: 20px; }
.field { display: flex; flex-direction: column; gap: 2px; min-width: 170px; }
label, legend { font-weight: 600; font-size: .9rem; }
input, select, textarea, button { font: inherit; color: var(--fg); }
input, select, textarea { border: 1px solid #6b7685; border-radius: 4px; padding: 5px 7px; background: #fff; }
textarea { width: 100%; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; }
button { border: 1px solid #1b1f24; background: #1b1f24; color: #fff; border-radius: 4px; padding: 5px 12px; cursor: pointer; }
button:disabled { opacity: .6; cursor: progress; }
button.danger { background: var(--bad); border-color: var(--bad); }
.top button { background: #fff; color: #1b1f24; }
.hint { color: var(--muted); font-size: .85rem; }
.filters, .route-form { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: flex-end; padding: 12px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
.route-form fieldset { display: flex; flex-wrap: wrap; gap: 10px 14px; border: 1px solid var(--line); border-radius: 6px; width: 100%; }
.actions { display: flex; gap: 10px; align-items: center; }
.bulk { margin: 10px 0; }
.bulk p { margin: 0; }
.form-error:empty { display: none; }
table.list { border-collapse: collapse; width: 100%; margin: 10px 0; }
table.list caption { text-align: left; color: var(--muted); padding: 4px 0; }
.table-scroll { overflow-x: auto; }
table.list th, table.list td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
table.list td.mono { overflow-wrap: anywhere; min-width: 14ch; }
table.list button { white-space: nowrap; }
.progress { color: var(--muted); font-size: .85rem; }
ol.timeline li.dead strong { color: var(--bad); }
ol.timeline li.action strong { color: var(--wait); }
.reason-detail { overflow-wrap: anywhere; }
table.list time { white-space: nowrap; }
table.list.compact { width: auto; }
@media (max-width: 700px) { table.list { display: block; overflow-x: auto; } table.list th { white-space: nowrap; } }
@media (max-width: 700px) { table.list.cards, table.list.cards tbody, table.list.cards tr, table.list.cards td { display: block; width: auto; overflow: visible; } table.list.cards thead { display: none; } table.list.cards caption { display: block; } table.list.cards td:empty { display: none; } table.list.cards tr { border-bottom: 1px solid var(--line); padding: 6px 0; } table.list.cards td { border: 0; padding: 2px 8px; } table.list.cards td[data-label]::before { content: attr(data-label) ": "; font: 600 .88rem system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--muted); } table.list.cards td.mono { min-width: 0; } }
table.list th { background: var(--panel); font-size: .88rem; }
table.list form { margin: 0; }
.mono, .json, .pins { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; }
.muted, .none { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
ul.inline { list-style: none; margin: 0; padding: 0; }
.state { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: .85rem; font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
.state.ok { color: var(--ok); background: var(--ok-bg); }
.state.wait { color: var(--wait); background: var(--wait-bg); }
.state.bad { color: var(--bad); background: var(--bad-bg); }
.state.plain { color: var(--muted); background: var(--panel); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.json { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow: auto; max-height: 480px; white-space: pre-wrap; overflow-wrap: anywhere; }
ol.timeline { border-left: 3px solid var(--line); margin: 0; padding: 0 0 0 16px; list-style: none; }
ol.timeline li { margin: 6px 0; overflow-wrap: anywhere; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 12px; margin: 12px 0; }
.card h2 { margin-top: .6em; }
.row-actions { display: flex; gap: 8px; align-items: flex-start; flex-wrap: wrap; }
details > summary { cursor: pointer; color: var(--link); }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart { margin: 0; padding: 10px; border: 1px solid var(--line); border-radius: 6px; }
.chart svg { display: block; margin: 6px 0; }
.slot { fill: #f3f5f8; }
.o-accepted { fill: #1f7a3a; background: #1f7a3a; }
.o-duplicate { fill: #6b7685; background: #6b7685; }
.o-quarantined { fill: #b36b00; background: #b36b00; }
.o-invalid_payload { fill: #7d3cb5; background: #7d3cb5; }
.o-refused { fill: #a4161a; background: #a4161a; }
.o-unavailable { fill: #1b1f24; background: #1b1f24; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 12px; padding: 0; margin: 0; font-size: .85rem; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
ul.operational { padding-left: 18px; }
`;
