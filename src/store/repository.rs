//! One `PersistedEventRepository` over postgres-es or sqlite-es.

use cqrs_es::persist::{
    PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot,
};
use cqrs_es::Aggregate;
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlite_es::SqliteEventRepository;

pub enum AnyRepository {
    Postgres(PostgresEventRepository),
    Sqlite(SqliteEventRepository),
}

macro_rules! dispatch {
    ($self:ident, $repo:ident => $call:expr) => {
        match $self {
            AnyRepository::Postgres($repo) => $call.await,
            AnyRepository::Sqlite($repo) => $call.await,
        }
    };
}

impl PersistedEventRepository for AnyRepository {
    async fn get_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        dispatch!(self, r => r.get_events::<A>(aggregate_id))
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        dispatch!(self, r => r.get_last_events::<A>(aggregate_id, last_sequence))
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        dispatch!(self, r => r.get_snapshot::<A>(aggregate_id))
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        dispatch!(self, r => r.persist::<A>(events, snapshot_update))
    }

    async fn stream_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<ReplayStream, PersistenceError> {
        dispatch!(self, r => r.stream_events::<A>(aggregate_id))
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        dispatch!(self, r => r.stream_all_events::<A>())
    }
}
