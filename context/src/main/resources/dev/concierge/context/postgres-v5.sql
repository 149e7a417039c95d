-- Schema 5: settings of the store as a whole. `embedding_model` names the model that made the vectors in
-- `embedding` and `text_embedding` (vectors of two models do not compare): written by the first node that opens the
-- store with a model, and checked by every other. A database from before holds all-MiniLM-L6-v2 vectors, if any.
CREATE TABLE concierge_settings (
  name  text PRIMARY KEY,
  value text NOT NULL
);
