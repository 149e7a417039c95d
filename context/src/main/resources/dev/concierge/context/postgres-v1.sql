-- Schema 1 of the PostgreSQL store. Every table's first key column is `owner` (tenant and user, escaped: Owner.key()),
-- the partitioning key: a sharded PostgreSQL such as Citus can distribute every table by it, and no query of the
-- store spans owners except expiry.

-- One row per memory version. `seq` is the owner's generation at this row's last write (see concierge_owners);
-- `tsv` is the text as PostgreSQL's full-text analysis makes it (what lexical recall scores), `embedding` the vector
-- (float32 little-endian; NULL when the store runs lexical-only). No index holds either: no index entry outlives a
-- forgotten memory.
CREATE TABLE concierge_memories (
  owner        text        NOT NULL,
  id           text        NOT NULL,
  tenant       text        NOT NULL,
  user_name    text        NOT NULL,
  series       text        NOT NULL,
  seq          bigint      NOT NULL,
  scope        text        NOT NULL,
  kind         text        NOT NULL,
  body         text        NOT NULL,
  body_tokens  integer     NOT NULL,
  tsv          tsvector    GENERATED ALWAYS AS (to_tsvector('english', body)) STORED,
  metadata     jsonb       NOT NULL,
  prov_server  text,
  prov_tool    text,
  prov_session text,
  prov_client  text,
  created_at   timestamptz NOT NULL,
  valid_from   timestamptz NOT NULL,
  valid_to     timestamptz,
  expires_at   timestamptz,
  supersedes   text,
  embedding    bytea,
  PRIMARY KEY (owner, id)
);
CREATE INDEX concierge_memories_recent ON concierge_memories (owner, created_at DESC);
CREATE INDEX concierge_memories_series ON concierge_memories (owner, series);
CREATE INDEX concierge_memories_seq ON concierge_memories (owner, seq);
CREATE INDEX concierge_memories_expiry ON concierge_memories (expires_at) WHERE expires_at IS NOT NULL;

-- One row per owner: `generation` grows with every write of the owner's memories and `purges` with every removal.
-- A write takes this row's lock first, so one owner's writes commit in generation order; a node's cached vectors
-- of an owner are current while both numbers are unchanged, and catch up by reading rows with a higher `seq`.
CREATE TABLE concierge_owners (
  owner      text   PRIMARY KEY,
  generation bigint NOT NULL,
  purges     bigint NOT NULL
);
