-- Mystery calls and listening audits (`vigie ingest-audits`): one row per audit, with its grid.
CREATE TABLE mystery_audits (
  audited_on     DATE NOT NULL,             -- the Paris day of the audit
  provider       VARCHAR NOT NULL,
  site           VARCHAR,
  campaign       VARCHAR,
  kind           VARCHAR NOT NULL,          -- mystery | listening
  score          DOUBLE NOT NULL,           -- 0–100: points over the grid's maximum (or items passed)
  grid           VARCHAR NOT NULL,          -- JSON object: criterion → [points, out of]
  passed_items   VARCHAR[] NOT NULL,
  failed_items   VARCHAR[] NOT NULL,
  comment        VARCHAR,
  source_file_id INTEGER NOT NULL,
  line           BIGINT NOT NULL
);

-- Weekly reports as issued: what each one said, so that a late file changing a closed week marks its
-- report revised, with the difference. `scope` is 'all', 'provider:<id>' or 'client:<id>'.
CREATE TABLE report_issues (
  week           VARCHAR NOT NULL,          -- ISO week, e.g. 2026-W47
  scope          VARCHAR NOT NULL,
  issued_at      TIMESTAMPTZ NOT NULL,
  watermark      INTEGER NOT NULL,          -- highest source_files.id seen when it was issued
  figures        VARCHAR NOT NULL,          -- JSON: the key figures per provider
  PRIMARY KEY (week, scope)
);
