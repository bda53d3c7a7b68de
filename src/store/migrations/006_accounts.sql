-- Accounts of the dashboard and the API (`vigie users`, `vigie keys`), their sessions, the audit log of
-- every sign-in and action, and the ingests made through the server.
CREATE SEQUENCE user_id_seq START 1;
CREATE TABLE users (
  id                  INTEGER PRIMARY KEY DEFAULT nextval('user_id_seq'),
  email               VARCHAR NOT NULL UNIQUE,   -- lower case
  role                VARCHAR NOT NULL,          -- admin | analyst | provider
  client              VARCHAR,                   -- an analyst scoped to one client (donneur d'ordre)
  provider            VARCHAR,                   -- a provider user's call centre
  password_hash       VARCHAR NOT NULL,          -- scrypt$N$r$p$salt$hash (base64)
  disabled            BOOLEAN NOT NULL DEFAULT false,
  created_at          TIMESTAMPTZ NOT NULL
);

-- The cookie holds a random id; only its SHA-256 is stored. Never updated but `last_seen_at`.
CREATE TABLE sessions (
  id_hash             VARCHAR PRIMARY KEY,
  user_id             INTEGER NOT NULL,
  csrf_secret         VARCHAR NOT NULL,
  created_at          TIMESTAMPTZ NOT NULL,
  last_seen_at        TIMESTAMPTZ NOT NULL,
  expires_at          TIMESTAMPTZ NOT NULL,      -- absolute end; idle expiry is last_seen_at + 12 h
  address             VARCHAR
);

CREATE SEQUENCE api_key_id_seq START 1;
CREATE TABLE api_keys (
  id                  INTEGER PRIMARY KEY DEFAULT nextval('api_key_id_seq'),
  name                VARCHAR NOT NULL,
  role                VARCHAR NOT NULL,          -- admin | analyst | provider | dialer
  client              VARCHAR,
  provider            VARCHAR,
  prefix              VARCHAR NOT NULL,          -- the key's first characters, to recognise it in a list
  key_hash            VARCHAR NOT NULL UNIQUE,   -- SHA-256 of the key (the key is 32 random bytes)
  created_at          TIMESTAMPTZ NOT NULL,
  created_by          VARCHAR NOT NULL,
  revoked_at          TIMESTAMPTZ
);

-- Who did what, when, from where: sign-ins (and failures), sign-outs, every action. Never updated.
CREATE SEQUENCE audit_log_id_seq START 1;
CREATE TABLE audit_log (
  id                  BIGINT PRIMARY KEY DEFAULT nextval('audit_log_id_seq'),
  occurred_at         TIMESTAMPTZ NOT NULL,
  actor_kind          VARCHAR NOT NULL,          -- user | key | local | anonymous
  actor               VARCHAR NOT NULL,          -- e-mail, key name, OS user
  role                VARCHAR,
  address             VARCHAR,                   -- the client's IP address, null at the CLI
  action              VARCHAR NOT NULL,          -- session.signin, number.rest, alert.ack, ingest.create…
  target              VARCHAR,
  outcome             VARCHAR NOT NULL,          -- ok | denied | failed
  detail              VARCHAR                    -- JSON
);

CREATE SEQUENCE ingest_id_seq START 1;
CREATE TABLE ingests (
  id                  INTEGER PRIMARY KEY DEFAULT nextval('ingest_id_seq'),
  kind                VARCHAR NOT NULL,          -- calls | reports | registry
  status              VARCHAR NOT NULL,          -- done | failed
  created_at          TIMESTAMPTZ NOT NULL,
  finished_at         TIMESTAMPTZ,
  created_by          VARCHAR NOT NULL,
  files               VARCHAR NOT NULL           -- JSON array of the files' summaries
);
