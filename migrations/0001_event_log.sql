-- The event log (docs/event-log.md). Rows are priced per row written, indexes included, so
-- every index here earns its place: the table is in insertion (≈ receipt) order by rowid, which
-- serves "newest first" and retention without an index on time.

-- One row per accepted envelope. `deliveries` holds each route's state and attempts as JSON
-- ({"ledger":{"state":"delivered","attempts":[...]}}), updated in place by the consumer;
-- the counters keep the envelope's state derivable without reading that JSON.
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  type TEXT NOT NULL,
  subject TEXT,
  time TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  -- The envelope as JSON, or NULL when it was too large for a row (then it lives in STATE KV).
  envelope TEXT,
  requests TEXT NOT NULL DEFAULT '[]',
  deliveries TEXT NOT NULL DEFAULT '{}',
  routes_total INTEGER NOT NULL DEFAULT 0,
  routes_delivered INTEGER NOT NULL DEFAULT 0,
  routes_dead INTEGER NOT NULL DEFAULT 0,
  state TEXT GENERATED ALWAYS AS (
    CASE
      WHEN routes_total = 0 THEN 'unrouted'
      WHEN routes_dead > 0 THEN 'dead'
      WHEN routes_delivered >= routes_total THEN 'delivered'
      ELSE 'pending'
    END
  ) VIRTUAL
);
-- What an operator searches by ("boleto 00012345"); events without a subject cost no index row.
CREATE INDEX events_subject ON events (subject) WHERE subject IS NOT NULL;

-- Authenticated requests that carried no accepted envelope (quarantined, invalid_payload,
-- unavailable): the rest are in their envelope's `requests`.
CREATE TABLE requests (
  seq INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL,
  source TEXT NOT NULL,
  at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  envelope_ids TEXT NOT NULL DEFAULT '[]',
  dead_letter_id TEXT
);

-- Counts per minute: per source and outcome (every answer code), per route and result,
-- and per route a histogram of the time from receipt to delivery.
CREATE TABLE metrics (
  minute INTEGER NOT NULL,
  scope TEXT NOT NULL,
  name TEXT NOT NULL,
  key TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (minute, scope, name, key)
) WITHOUT ROWID;

-- Operational events fire at most once per key in a window; consecutive failures per route.
CREATE TABLE alerts (
  key TEXT PRIMARY KEY,
  fired_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE route_health (
  route_id TEXT PRIMARY KEY,
  consecutive_failures INTEGER NOT NULL
) WITHOUT ROWID;
