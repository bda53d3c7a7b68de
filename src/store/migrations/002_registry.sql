-- Registry files (records.md §5). Each loaded file is a `source_files` row (kind 'registry:<name>',
-- format 'registry') so that its evidence (path, sha256, size, load time, rows read / stored /
-- rejected) and its quarantined rows are kept the same way as a call file's.
CREATE TABLE registry_files (
  source_file_id INTEGER PRIMARY KEY,
  kind           VARCHAR NOT NULL,          -- consents | customers | refusals | dnc | bloctel | …
  file_name      VARCHAR NOT NULL,          -- the name explanations cite: `consents.csv ligne 3`
  mode           VARCHAR NOT NULL,          -- 'replace' (the file is the full list) | 'append'
  superseded_by  INTEGER                    -- a later 'replace' file of the same kind; its rows no longer count
);

-- What was loaded, when, and what became of its rows: the evidence an auditor asks for.
CREATE VIEW registry_evidence AS
  SELECT f.id, r.kind AS name, r.file_name, f.path, f.sha256, f.size_bytes, f.encoding,
         f.ingested_at AS loaded_at, f.rows_read, f.stored, f.quarantined AS rejected,
         r.mode, r.superseded_by
  FROM source_files f JOIN registry_files r ON r.source_file_id = f.id;

-- Registry rows. Instants are UTC; `line` is the row's line in its file.
CREATE TABLE consents (
  number VARCHAR NOT NULL, granted_at TIMESTAMPTZ NOT NULL, client VARCHAR NOT NULL, scope VARCHAR NOT NULL,
  source VARCHAR, proof VARCHAR, revoked_at TIMESTAMPTZ, slot_from TIMESTAMPTZ, slot_to TIMESTAMPTZ,
  source_file_id INTEGER NOT NULL, line BIGINT NOT NULL
);
CREATE TABLE customers (
  number VARCHAR NOT NULL, client VARCHAR NOT NULL, contract_start TIMESTAMPTZ NOT NULL,
  contract_end TIMESTAMPTZ,                 -- exclusive: a date-only end covers its whole day
  source_file_id INTEGER NOT NULL, line BIGINT NOT NULL
);
CREATE TABLE refusals (
  number VARCHAR NOT NULL, refused_at TIMESTAMPTZ NOT NULL, client VARCHAR,
  source_file_id INTEGER NOT NULL, line BIGINT NOT NULL
);
CREATE TABLE dnc (
  number VARCHAR NOT NULL, added_at TIMESTAMPTZ, reason VARCHAR,
  source_file_id INTEGER NOT NULL, line BIGINT NOT NULL
);
CREATE TABLE bloctel (
  number VARCHAR NOT NULL, consulted_at TIMESTAMPTZ NOT NULL, client VARCHAR,
  source_file_id INTEGER NOT NULL, line BIGINT NOT NULL
);
CREATE TABLE consultations (
  client VARCHAR NOT NULL, consulted_at TIMESTAMPTZ NOT NULL, numbers_submitted BIGINT,
  source_file_id INTEGER NOT NULL, line BIGINT NOT NULL
);
CREATE TABLE assignments (
  caller_id VARCHAR NOT NULL, client VARCHAR NOT NULL, provider VARCHAR, campaign VARCHAR,
  valid_from TIMESTAMPTZ, valid_to TIMESTAMPTZ, dedicated BOOLEAN NOT NULL,
  source_file_id INTEGER NOT NULL, line BIGINT NOT NULL
);
CREATE TABLE contacts (
  number VARCHAR NOT NULL, type VARCHAR NOT NULL, postcode VARCHAR,
  source_file_id INTEGER NOT NULL, line BIGINT NOT NULL
);
CREATE TABLE campaigns (
  campaign VARCHAR NOT NULL, client VARCHAR, purpose VARCHAR, sector VARCHAR, dialer VARCHAR NOT NULL,
  source_file_id INTEGER NOT NULL, line BIGINT NOT NULL
);
