-- Schema 3: the gateway's API keys (serve --auth keys), shared by every node. A key is found by the id it carries
-- before its owner is known, so this table is keyed by that id, not by owner (a reference table under Citus: small,
-- read through each node's cache). Only the SHA-256 of a key is kept; `data` is who it is for (the gateway's JSON).
CREATE TABLE concierge_api_keys (
  id      text        PRIMARY KEY,
  digest  bytea       NOT NULL,
  data    jsonb       NOT NULL,
  created timestamptz NOT NULL DEFAULT now()
);
