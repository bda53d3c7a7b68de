-- Ingested source files: the evidence of what was loaded, when, and what became of each row.
CREATE SEQUENCE source_file_id_seq START 1;
CREATE TABLE source_files (
  id             INTEGER PRIMARY KEY DEFAULT nextval('source_file_id_seq'),
  kind           VARCHAR NOT NULL,          -- 'calls' | 'reports'
  path           VARCHAR NOT NULL,
  sha256         VARCHAR NOT NULL,
  size_bytes     BIGINT NOT NULL,
  format         VARCHAR NOT NULL,
  encoding       VARCHAR NOT NULL,
  provider       VARCHAR,
  ingested_at    TIMESTAMPTZ NOT NULL,
  rows_read      BIGINT NOT NULL,
  stored         BIGINT NOT NULL,
  duplicates     BIGINT NOT NULL,
  quarantined    BIGINT NOT NULL,
  merged         BIGINT NOT NULL,
  dst_gap        BIGINT NOT NULL,
  dst_overlap    BIGINT NOT NULL
);

-- One row per outbound (or inbound) call attempt, in the canonical shape of records.md §1.
-- Times in UTC; phones in E.164 (or a French short number / 'anonymous' for a hidden caller ID).
CREATE TABLE calls (
  provider       VARCHAR NOT NULL,          -- '' when the source does not say
  call_id        VARCHAR NOT NULL,
  started_at     TIMESTAMPTZ NOT NULL,
  caller         VARCHAR NOT NULL,
  callee         VARCHAR NOT NULL,
  direction      VARCHAR NOT NULL,
  outcome        VARCHAR NOT NULL,
  short          BOOLEAN NOT NULL,
  ring_seconds   DOUBLE,
  talk_seconds   DOUBLE,
  site           VARCHAR,
  client         VARCHAR,
  campaign       VARCHAR,
  agent          VARCHAR,
  purpose        VARCHAR NOT NULL,
  refused        BOOLEAN NOT NULL,
  sip_code       INTEGER,
  q850_cause     INTEGER,
  attestation    VARCHAR,
  disposition    VARCHAR,
  signal         VARCHAR,                   -- e.g. 'identity_failed'
  dst_fold       VARCHAR,                   -- 'gap' | 'overlap' when a naive local time fell in a DST change
  source_file_id INTEGER NOT NULL,
  source_record  BIGINT                     -- 1-based index of the data row in its file
);

-- Spam reports (signalements), one row per report or per (number, day, source) count.
CREATE TABLE reports (
  number         VARCHAR NOT NULL,
  reported_at    TIMESTAMPTZ NOT NULL,
  source         VARCHAR NOT NULL,
  category       VARCHAR,
  comment        VARCHAR,
  report_count   INTEGER NOT NULL,
  source_file_id INTEGER NOT NULL,
  source_record  BIGINT                     -- 1-based index of the data row in its file
);

-- Rows that could not be stored, with where they came from and why. Nothing is dropped silently.
CREATE TABLE quarantine (
  source_file_id INTEGER NOT NULL,
  line           BIGINT,
  field          VARCHAR,
  raw            VARCHAR NOT NULL,
  reason_code    VARCHAR NOT NULL,
  reason_fr      VARCHAR NOT NULL,
  reason_en      VARCHAR NOT NULL
);
