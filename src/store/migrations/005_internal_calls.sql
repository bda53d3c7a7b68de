-- Calls inside the PBX (extension to extension), set aside by ingest: not outbound calls, not lost.
-- Like the quarantine, each keeps its file, line, raw text and why it was set aside.
CREATE TABLE internal_calls (
  source_file_id INTEGER NOT NULL,
  line           BIGINT,
  caller         VARCHAR,
  callee         VARCHAR,
  started_at     TIMESTAMPTZ,
  raw            VARCHAR NOT NULL,
  reason_code    VARCHAR NOT NULL           -- 'extension_to_extension'
);
ALTER TABLE source_files ADD COLUMN internal BIGINT DEFAULT 0;
