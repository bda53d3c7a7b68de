-- The alert inbox: one row per (rule, subject), ever. Its lifecycle (open → acknowledged → resolved,
-- reopened when the condition returns) is the current state here and the full history in alert_events.
CREATE SEQUENCE alert_id_seq START 1;
CREATE TABLE alerts (
  id               INTEGER PRIMARY KEY DEFAULT nextval('alert_id_seq'),
  rule             VARCHAR NOT NULL,          -- an ALERT_RULES id (src/alerts/model.ts)
  subject          VARCHAR NOT NULL,          -- '+33162000000', 'provider:atlas', …
  severity         VARCHAR NOT NULL,          -- info | warning | critical
  state            VARCHAR NOT NULL,          -- open | acknowledged | resolved
  message          VARCHAR NOT NULL,
  evidence         VARCHAR NOT NULL,          -- JSON object
  client           VARCHAR,
  provider         VARCHAR,
  first_opened_at  TIMESTAMPTZ NOT NULL,
  opened_at        TIMESTAMPTZ NOT NULL,      -- the latest (re)opening
  updated_at       TIMESTAMPTZ NOT NULL,      -- the latest change of severity, message or evidence
  acknowledged_at  TIMESTAMPTZ,
  resolved_at      TIMESTAMPTZ,
  note             VARCHAR,                   -- the latest operator note
  reopen_count     INTEGER NOT NULL,
  as_of            DATE NOT NULL,             -- the latest detector day that saw or cleared the condition
  UNIQUE (rule, subject)
);

-- Every state change of an alert: who, when, what, why. Never updated nor deleted.
CREATE SEQUENCE alert_event_id_seq START 1;
CREATE TABLE alert_events (
  id               INTEGER PRIMARY KEY DEFAULT nextval('alert_event_id_seq'),
  alert_id         INTEGER NOT NULL,
  occurred_at      TIMESTAMPTZ NOT NULL,
  on_day           DATE NOT NULL,             -- the detector day, or the Paris day of an operator action
  author           VARCHAR NOT NULL,          -- 'vigie' for the detectors, else the operator
  action           VARCHAR NOT NULL,          -- opened | escalated | deescalated | acknowledged | resolved | reopened
  state            VARCHAR NOT NULL,          -- the state after the change
  severity         VARCHAR NOT NULL,
  note             VARCHAR
);

-- What the channels must be told: an alert opened, reopened or escalated. The outbox of deliveries.
CREATE SEQUENCE alert_notification_id_seq START 1;
CREATE TABLE alert_notifications (
  id               INTEGER PRIMARY KEY DEFAULT nextval('alert_notification_id_seq'),
  alert_id         INTEGER NOT NULL,
  reason           VARCHAR NOT NULL,          -- opened | reopened | escalated
  severity         VARCHAR NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL
);

-- Each delivery attempt of a notification to a channel, successful or not.
CREATE SEQUENCE alert_delivery_id_seq START 1;
CREATE TABLE alert_deliveries (
  id               INTEGER PRIMARY KEY DEFAULT nextval('alert_delivery_id_seq'),
  notification_id  INTEGER NOT NULL,
  alert_id         INTEGER NOT NULL,
  channel          VARCHAR NOT NULL,          -- the channel's name (no secret: never a full webhook URL)
  attempt          INTEGER NOT NULL,          -- 1, 2, … counted over every run for this notification and channel
  status           VARCHAR NOT NULL,          -- sent | failed | superseded
  error            VARCHAR,
  attempted_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX alert_events_alert ON alert_events (alert_id);
CREATE INDEX alert_deliveries_notification ON alert_deliveries (notification_id, channel);
