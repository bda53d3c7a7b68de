-- The pre-dial gate (issue 10). Attempts a dialer reports before their CDRs are ingested: durable here
-- before the gate acknowledges them; a CDR of the same call (provider and call id, else caller, callee
-- and time within a minute) takes the attempt's place in the counts.
CREATE SEQUENCE gate_attempt_id_seq START 1;
CREATE TABLE gate_attempts (
  id             BIGINT PRIMARY KEY DEFAULT nextval('gate_attempt_id_seq'),
  provider       VARCHAR NOT NULL,
  call_id        VARCHAR,                   -- the dialer's id of the call, when it gives one
  attempted_at   TIMESTAMPTZ NOT NULL,
  caller         VARCHAR NOT NULL,
  callee         VARCHAR NOT NULL,
  client         VARCHAR,
  campaign       VARCHAR,
  purpose        VARCHAR NOT NULL,
  recorded_at    TIMESTAMPTZ NOT NULL,
  recorded_by    VARCHAR NOT NULL           -- the key or the user that reported it
);

-- The evidence journal: one line per entry, hash-chained (docs/evidence.md gives the line's format and
-- how an inspector checks an export with sha256sum alone). Entries are appended, never updated.
CREATE TABLE evidence_journal (
  seq            BIGINT PRIMARY KEY,
  line           VARCHAR NOT NULL,          -- seq, at, kind, actor, previous hash, content hash, content
  hash           VARCHAR NOT NULL           -- sha256 of the line's bytes
);

-- The gate's configuration (policy when the shared state is unreachable, evidence retention…); every
-- change is also an evidence entry.
CREATE TABLE gate_settings (
  key            VARCHAR PRIMARY KEY,
  value          VARCHAR NOT NULL,
  updated_at     TIMESTAMPTZ NOT NULL,
  updated_by     VARCHAR NOT NULL
);
