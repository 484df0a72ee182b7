//! The site's bulk member actions (privileged): `bulkDeleteMembers` by ids, with a
//! result per id, and the filter jobs `bulkDeleteMembersByFilter`,
//! `bulkApproveMembers`, `bulkBlockMembers`.
//!
//! A filter job runs within the request: it reads the ids the filter matches first
//! (pages of the listing indexes, as `queryMembers` reads them, so acting on a member
//! cannot move the walk), then acts on each, a few at a time. Each action is one that
//! may run twice (approving an approved member, blocking a blocked one, erasing an
//! erased one changes nothing more), so a job cut short by the Lambda timeout resumes
//! safely when the same request is sent again. At most [`MAX_JOB`] members a request.

use futures_util::{StreamExt, stream};
use tracing::info;

use crate::{
    App,
    app::Backend,
    domain::{
        member_query::{MAX_LIMIT, MAX_OFFSET, MemberQuery},
        token::random_token,
    },
    error::ApiError,
};

use super::{approve, block, directory, erasure};

/// Ids per `bulkDeleteMembers` request.
pub const MAX_IDS: usize = 100;
/// Members per filter job: what offset paging reaches.
pub const MAX_JOB: usize = MAX_OFFSET + MAX_LIMIT;
/// Members acted on at once: enough to finish 1,000 well inside the timeout without
/// bursting a table's partition.
const CONCURRENCY: usize = 8;

/// One id's outcome.
pub struct ItemResult {
    pub id: String,
    pub error: Option<ApiError>,
}

/// `bulkDeleteMembers`: erases each member, in order of the ids given.
pub async fn delete_members<B: Backend>(
    app: &App<B>,
    ids: Vec<String>,
) -> Result<Vec<ItemResult>, ApiError> {
    if ids.len() > MAX_IDS {
        return Err(ApiError::Validation(vec![
            crate::error::FieldViolation::new(
                "memberIds",
                "INVALID",
                format!("at most {MAX_IDS} ids a request"),
            ),
        ]));
    }
    let results = stream::iter(ids)
        .map(|id| async move {
            let error = erasure::delete_member(app, &id).await.err();
            ItemResult { id, error }
        })
        .buffered(CONCURRENCY)
        .collect()
        .await;
    Ok(results)
}

/// What a filter job does to each member.
#[derive(Debug, Clone, Copy)]
pub enum JobAction {
    Approve,
    Block,
    Delete,
}

/// A filter job: its id, and how many members it acted on (and how many failed).
pub struct Job {
    pub id: String,
    pub done: usize,
    pub failed: usize,
}

/// Runs `action` on every member `query`'s filter matches.
pub async fn run_job<B: Backend>(
    app: &App<B>,
    action: JobAction,
    mut query: MemberQuery,
) -> Result<Job, ApiError> {
    let ids = matching_ids(app, &mut query).await?;
    let outcomes: Vec<bool> = stream::iter(ids)
        .map(|id| async move {
            let outcome = match action {
                JobAction::Approve => approve::approve_member(app, &id).await.map(|_| ()),
                JobAction::Block => block::block_member(app, &id).await.map(|_| ()),
                // Gone already: what a resumed job finds.
                JobAction::Delete => match erasure::delete_member(app, &id).await {
                    Err(ApiError::MemberNotFound) => Ok(()),
                    other => other,
                },
            };
            outcome.is_ok()
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let failed = outcomes.iter().filter(|ok| !**ok).count();
    let job = Job {
        id: random_token(),
        done: outcomes.len() - failed,
        failed,
    };
    info!(job_id = %job.id, ?action, done = job.done, failed, "member job finished");
    Ok(job)
}

/// Every id the query matches, page by page, before anything changes.
async fn matching_ids<B: Backend>(
    app: &App<B>,
    query: &mut MemberQuery,
) -> Result<Vec<String>, ApiError> {
    query.limit = MAX_LIMIT;
    query.offset = 0;
    let mut ids = Vec::new();
    loop {
        let (page, _) = directory::query(app, &directory::Viewer::Site, query.clone()).await?;
        let got = page.members.len();
        ids.extend(page.members.into_iter().map(|m| m.id));
        if got < query.limit || ids.len() >= page.total || query.offset + got > MAX_OFFSET {
            break;
        }
        query.offset += got;
    }
    ids.truncate(MAX_JOB);
    Ok(ids)
}
