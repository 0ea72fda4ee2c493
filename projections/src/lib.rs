//! The read side of foodbot (see docs/architecture.md): the catch-up projector and
//! every read model. The projector itself arrives with the read-side work; until then
//! the HTTP API reads aggregates straight from the event store.
