-- What a Prometheus scrape reads (docs/observability.md).

-- The totals since the beginning: each counter's row of minute 0, which the gateway adds to
-- with every write and retention never deletes. Seeded here from the minutes still kept.
INSERT INTO metrics (minute, scope, name, key, count)
  SELECT 0, scope, name, key, SUM(count) FROM metrics WHERE minute > 0 GROUP BY scope, name, key
  ON CONFLICT DO UPDATE SET count = count + excluded.count;

-- One row per dead letter kept in STATE KV, written and removed with it, for the
-- hookgate_dead_letters gauge without listing KV. Records kept before this table existed are
-- not in it; they leave with their expiry.
CREATE TABLE dead_letters (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  route TEXT NOT NULL,
  reason TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
