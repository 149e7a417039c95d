-- Schema 2: the gateway's state besides memories. Keyed by owner first, as the memories are.

-- Legacy downstream sessions (Mcp-Session-Id): what any node needs to serve the session's next request.
CREATE TABLE concierge_sessions (
  owner     text        NOT NULL,
  id        text        NOT NULL,
  data      jsonb       NOT NULL,
  last_seen timestamptz NOT NULL,
  PRIMARY KEY (owner, id)
);
CREATE INDEX concierge_sessions_idle ON concierge_sessions (last_seen);

-- The messages of each session's standalone (GET) stream, so that the client resumes it on any node with
-- Last-Event-ID. Removed with the session, and after an hour.
CREATE TABLE concierge_session_events (
  owner   text        NOT NULL,
  session text        NOT NULL,
  seq     bigserial,
  body    text        NOT NULL,
  created timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (owner, session, seq)
);

-- Secrets every node shares (the key that signs requestState), created once by the first node that needs one.
CREATE TABLE concierge_secrets (
  name  text  PRIMARY KEY,
  value bytea NOT NULL
);

-- Messages between nodes too large for a NOTIFY payload: the notification carries the row's id, every listening node
-- reads the row. Not per owner (a reference table under Citus); rows older than ten minutes are deleted.
CREATE TABLE concierge_messages (
  id      bigserial   PRIMARY KEY,
  body    text        NOT NULL,
  created timestamptz NOT NULL DEFAULT now()
);
