//! `GET /api/v1/orders/{id}/events`: an order's live timeline as
//! Server-Sent Events, from the read models.
//!
//! The stream opens with an `order` event (no `id`): the order as
//! `GET /orders/{id}` answers it, so the client can render at once. Then each
//! step of the order's timeline is a `step` event whose `id` is the step's
//! number in the order (its event sequence, rising by one per step); a client
//! that reconnects with `Last-Event-ID: n` gets every step after `n` (those
//! it missed while away) and then the live ones, nothing twice. Without
//! `Last-Event-ID` the live steps follow those the `order` event holds.
//! Once the order reached a final status (delivered, picked up, rejected,
//! cancelled) with no refund outstanding and its last step was sent, an `end`
//! event closes the stream. A comment line every 15 s keeps idle connections
//! open.
//!
//! A stream sleeps until its order's timeline moves: one listener per process
//! ([`foodbot_projections::TimelineChanges`]) hears the projector's commits
//! (on PostgreSQL, those of every process) and wakes only the streams of the
//! orders that moved; each stream also looks once per heartbeat, in case a
//! wake-up was lost.

use super::auth::Customer;
use super::codes::ErrorCode;
use super::orders::{order_id, read_after, ReadQuery};
use super::read_views::{OrderDetail, Step};
use super::{ApiError, AppState, ErrorBody};
use crate::app::TimelineEntry;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use foodbot_domain::{Actor, OrderId};
use foodbot_projections::Subscription;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

/// How often an idle stream sends a comment, and looks for steps unbidden.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

/// The `Last-Event-ID` header: the number of the last step the client has.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // Only its documentation is used; the header is read below.
pub struct LastEventId {
    /// The `id` of the last `step` event received: the stream resumes after it.
    #[param(rename = "Last-Event-ID", minimum = 0)]
    last_event_id: Option<i64>,
}

fn last_event_id(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get("last-event-id") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(n) if n >= 0 => Ok(Some(n)),
        _ => Err(ApiError::new(
            ErrorCode::InvalidQuery,
            "Last-Event-ID must be the id of a step event (a whole number)",
        )),
    }
}

/// The order's live timeline.
#[utoipa::path(get, path = "/orders/{order_id}/events", tag = "orders",
    params(ReadQuery, ("order_id" = String, Path, format = Uuid), LastEventId),
    security(("tma" = [])),
    responses(
        (status = 200, content_type = "text/event-stream", body = String, description = "Server-Sent Events. First `event: order` (no `id`), `data` an `OrderDetail` as `GET /orders/{order_id}` answers it. Then `event: step`, `id` the step's `sequence`, `data` a `Step`: the steps after `Last-Event-ID` when it is given, else those after the `order` event's timeline, as they are projected. Last, once the order is final with no refund outstanding, `event: end` (`data: {}`), and the stream closes. Comment lines (`:`) keep the connection open."),
        (status = 400, description = "`invalid_query` (also a malformed `Last-Event-ID`), `invalid_read_token`.", body = ErrorBody),
        (status = 401, description = "`missing_auth`, `invalid_init_data`, `init_data_expired`.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such order, another's, or not in the read models yet.", body = ErrorBody),
        (status = 500, description = "`internal`.", body = ErrorBody),
        (status = 503, description = "`not_yet_visible`.", body = ErrorBody),
    ))]
pub async fn events(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
    q: Result<Query<ReadQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let resume = last_event_id(&headers)?;
    read_after(&state, q).await?;
    // Watching starts before the first read, so that no step falls between.
    let subscription = state.timeline.subscribe(&id.to_string());
    let detail = state.app.order_detail(Actor::Customer(who.id), id).await?;
    let menu = state.app.menu_now().await?.menu;

    let mut course = Course::default();
    for step in &detail.timeline {
        course.see(step);
    }
    let shown = detail.timeline.last().map_or(0, |s| s.sequence);
    let missed: Vec<TimelineEntry> = match resume {
        Some(n) => detail
            .timeline
            .iter()
            .filter(|s| s.sequence > n)
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    let first = OrderDetail::new(detail, &menu).map_err(ApiError::internal)?;
    let mut feed = Feed {
        state: state.clone(),
        id,
        subscription,
        after: shown.max(resume.unwrap_or(0)),
        course,
        pending: VecDeque::new(),
        ended: false,
    };
    feed.pending.push_back(
        Event::default()
            .event("order")
            .json_data(&first)
            .map_err(ApiError::internal)?,
    );
    for step in missed {
        feed.pending
            .push_back(step_event(step).map_err(ApiError::internal)?);
    }
    let stream = futures::stream::unfold(feed, next);
    let sse = Sse::new(stream).keep_alive(KeepAlive::new().interval(HEARTBEAT).text("keep-alive"));
    // Proxies that buffer answers would hold the events back.
    Ok(([("x-accel-buffering", "no")], sse).into_response())
}

/// Where the order's steps have taken it, as far as the stream has seen.
#[derive(Default)]
struct Course {
    finished: bool,
    refund_outstanding: bool,
}

impl Course {
    fn see(&mut self, step: &TimelineEntry) {
        match step.event_type.as_str() {
            "RefundRequested" => self.refund_outstanding = true,
            "RefundCompleted" => self.refund_outstanding = false,
            _ => {}
        }
        self.finished = matches!(
            step.status.as_str(),
            "delivered" | "picked_up" | "rejected" | "cancelled"
        );
    }

    /// Nothing more is expected: the stream can end.
    fn over(&self) -> bool {
        self.finished && !self.refund_outstanding
    }
}

/// One open stream.
struct Feed {
    state: AppState,
    id: OrderId,
    subscription: Subscription,
    /// The number of the last step sent (or that the client has).
    after: i64,
    course: Course,
    pending: VecDeque<Event>,
    ended: bool,
}

#[derive(Debug, thiserror::Error)]
enum StepError {
    #[error(transparent)]
    Status(#[from] super::read_views::UnknownStatus),
    #[error(transparent)]
    Encode(#[from] axum::Error),
}

fn step_event(entry: TimelineEntry) -> Result<Event, StepError> {
    let sequence = entry.sequence;
    let step = Step::try_from(entry)?;
    Ok(Event::default()
        .event("step")
        .id(sequence.to_string())
        .json_data(&step)?)
}

/// The stream's next event: what is pending, else the steps that come next
/// once the order moves; `None` ends the stream (the order is over, the
/// server shuts down, or the steps cannot be read, when the client resumes
/// with `Last-Event-ID`).
async fn next(mut feed: Feed) -> Option<(Result<Event, Infallible>, Feed)> {
    loop {
        if let Some(event) = feed.pending.pop_front() {
            return Some((Ok(event), feed));
        }
        if feed.ended {
            return None;
        }
        if feed.course.over() {
            feed.ended = true;
            feed.pending
                .push_back(Event::default().event("end").data("{}"));
            continue;
        }
        let open = tokio::select! {
            open = feed.subscription.changed() => open,
            _ = tokio::time::sleep(HEARTBEAT) => true,
        };
        if !open {
            return None;
        }
        let steps = match feed.state.app.timeline_after(feed.id, feed.after).await {
            Ok(steps) => steps,
            Err(e) => {
                tracing::warn!(order_id = %feed.id, error = %e, "Could not read the order's steps; ending its stream.");
                return None;
            }
        };
        for step in steps {
            feed.after = step.sequence;
            feed.course.see(&step);
            match step_event(step) {
                Ok(event) => feed.pending.push_back(event),
                Err(e) => {
                    tracing::error!(order_id = %feed.id, error = %e, "A step cannot be sent; ending its stream.");
                    return None;
                }
            }
        }
    }
}
