-- Payload filters (docs/event-log.md): a route whose events and sources matched an envelope but
-- whose filter did not is recorded in `deliveries` as `filtered`. The envelope is `filtered` when
-- every such route left it out, and `delivered` once the others took it. SQLite cannot change a
-- generated column: `state` is dropped and added again, reading the new counter.
ALTER TABLE events ADD COLUMN routes_filtered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events DROP COLUMN state;
ALTER TABLE events ADD COLUMN state TEXT GENERATED ALWAYS AS (
  CASE
    WHEN routes_total = 0 THEN 'unrouted'
    WHEN routes_dead > 0 THEN 'dead'
    WHEN routes_filtered >= routes_total THEN 'filtered'
    WHEN routes_delivered + routes_filtered >= routes_total THEN 'delivered'
    ELSE 'pending'
  END
) VIRTUAL;
