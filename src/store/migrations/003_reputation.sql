-- Reputation rollup: one row per caller ID and calendar day in Europe/Paris. A cache of the calls and
-- reports tables (`vigie recompute` rebuilds it); `reputation_meta` holds its version and watermark.
CREATE TABLE reputation_days (
  number            VARCHAR NOT NULL,
  day               DATE NOT NULL,             -- calendar day in Europe/Paris
  attempts          BIGINT NOT NULL,           -- outbound calls placed from the number
  answered          BIGINT NOT NULL,
  short_answered    BIGINT NOT NULL,           -- answered and under 6 s (the call's `short` flag)
  talk_seconds      DOUBLE NOT NULL,           -- sum over answered calls
  blocked           BIGINT NOT NULL,           -- outcomes blocked or rejected (carrier / callee refusal)
  failed_zero       BIGINT NOT NULL,           -- `failed` with about 0 s: a carrier block seen as a failure
  repeat_callees    BIGINT NOT NULL,           -- callees of the day called 3+ times by the number in the 7 days ending that day
  callees           BIGINT NOT NULL,           -- distinct callees of the day
  callbacks         BIGINT NOT NULL,           -- inbound calls that day from people the number called in the 7 days before
  reports           BIGINT NOT NULL,           -- spam reports dated that day (sum of report_count)
  providers         VARCHAR[] NOT NULL,        -- sorted, distinct
  clients           VARCHAR[] NOT NULL,
  campaigns         VARCHAR[] NOT NULL,
  PRIMARY KEY (number, day)
);

CREATE TABLE reputation_meta (
  id                INTEGER PRIMARY KEY,       -- always 1
  version           INTEGER NOT NULL,          -- the rollup's definition; a different one forces a recompute
  watermark         INTEGER NOT NULL,          -- highest source_files.id folded into the rollup
  computed_at       TIMESTAMPTZ NOT NULL
);

-- Operator actions on a caller ID, never updated nor deleted: the audit trail of its statuses.
CREATE SEQUENCE number_action_id_seq START 1;
CREATE TABLE number_actions (
  id                INTEGER PRIMARY KEY DEFAULT nextval('number_action_id_seq'),
  number            VARCHAR NOT NULL,
  action            VARCHAR NOT NULL,          -- suspend | rest | resume
  acted_at          TIMESTAMPTZ NOT NULL,
  day               DATE NOT NULL,             -- the Paris day the action takes effect
  author            VARCHAR NOT NULL,
  reason            VARCHAR NOT NULL
);
