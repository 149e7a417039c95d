-- Schema 4: a memory's context (NewMemory.context), text that helps recall find the memory but is not part of it.
-- `context` is kept apart from `body`, and its words count for lexical recall: `tsv` is made again from both (a
-- generated column's expression cannot be changed in place before PostgreSQL 17; adding it rewrites the table once).
-- `body_tokens`, the length BM25 normalises by, counts the context's words too for rows written from now on; rows
-- written before have no context, so theirs is right already. `embedding` embeds the text with its context and
-- `text_embedding` the text alone (NULL without a context, or lexical-only), as the embedded store's two vectors.
ALTER TABLE concierge_memories ADD COLUMN context text, ADD COLUMN text_embedding bytea;
ALTER TABLE concierge_memories DROP COLUMN tsv;
ALTER TABLE concierge_memories ADD COLUMN tsv tsvector
  GENERATED ALWAYS AS (to_tsvector('english', body) || to_tsvector('english', coalesce(context, ''))) STORED;
