//! A task as the store keeps it ([`TaskRecord`]), the changes made to it ([`TaskChange`]), and
//! how it is written on the wire: the `CreateTaskResult` that starts it and the detailed task of
//! `tasks/get` and `notifications/tasks`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Where a task is in its life (SEP-2663).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// The tool is running.
    Working,
    /// The tool waits for answers to its `inputRequests` (sent with `tasks/update`).
    InputRequired,
    /// The tool returned its result (which may be a tool error, `isError: true`).
    Completed,
    /// The call ended with a JSON-RPC error (the tool panicked, outlived its time to live, or
    /// the server shut down).
    Failed,
    /// The client cancelled it (`tasks/cancel`).
    Cancelled,
}

impl TaskStatus {
    /// Whether the task has ended: nothing about it changes any more.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            TaskStatus::Completed | TaskStatus::Failed | TaskStatus::Cancelled
        )
    }

    /// The name the wire uses.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Working => "working",
            TaskStatus::InputRequired => "input_required",
            TaskStatus::Completed => "completed",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
        }
    }
}

/// Everything known about one task: what a [`TaskStore`](super::TaskStore) keeps, and what
/// any replica needs to answer `tasks/get`, `tasks/update` and `tasks/cancel` for it.
///
/// Serializable, so that a shared store can keep it as one value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskRecord {
    /// The task's id: 128 random bits, as hex, so that it cannot be guessed.
    pub id: String,
    /// The subject of the identity that created it (`None`: an unauthenticated caller). Only
    /// the same subject sees the task.
    pub owner: Option<String>,
    /// The tool called.
    pub tool: String,
    /// Where the task is.
    pub status: TaskStatus,
    /// What it is doing, or why it ended (from the tool's progress and log messages).
    pub status_message: Option<String>,
    /// When it was created, in milliseconds since the Unix epoch.
    pub created_ms: u64,
    /// When it last changed, in milliseconds since the Unix epoch.
    pub updated_ms: u64,
    /// How long after its creation it is kept; a task still running then is stopped.
    pub ttl_ms: u64,
    /// How often a client should poll it.
    pub poll_interval_ms: u64,
    /// The questions waiting for an answer, by key (`{method, params}` each).
    pub input_requests: Map<String, Value>,
    /// Answers sent with `tasks/update`, not yet taken by the tool.
    pub answers: Map<String, Value>,
    /// The tool's result, once completed.
    pub result: Option<Value>,
    /// The JSON-RPC error, once failed.
    pub error: Option<Value>,
    /// A client asked (`tasks/cancel`) to stop it.
    pub cancel_requested: bool,
    /// The replica running it, in a shared store (`None` in memory): when that replica is gone,
    /// any other ends the task `failed`.
    #[serde(default)]
    pub runner: Option<String>,
}

impl TaskRecord {
    /// A new task in its first state: `working`, or `input_required` when the tool asked
    /// before it had to wait.
    pub(crate) fn new(
        id: String,
        owner: Option<String>,
        tool: &str,
        settings: &super::TaskSettings,
        input_requests: Map<String, Value>,
    ) -> Self {
        let now = now_ms();
        TaskRecord {
            id,
            owner,
            tool: tool.to_owned(),
            status: if input_requests.is_empty() {
                TaskStatus::Working
            } else {
                TaskStatus::InputRequired
            },
            status_message: None,
            created_ms: now,
            updated_ms: now,
            ttl_ms: millis(settings.ttl),
            poll_interval_ms: millis(settings.poll_interval).max(1),
            input_requests,
            answers: Map::new(),
            result: None,
            error: None,
            cancel_requested: false,
            runner: None,
        }
    }

    /// When the store may forget it (its creation plus its time to live).
    pub fn expires_ms(&self) -> u64 {
        self.created_ms.saturating_add(self.ttl_ms)
    }

    /// Applies a change made by the task's runner; `false` when it changes nothing (the task
    /// has ended, and stays as it ended).
    pub fn apply(&mut self, change: TaskChange, now_ms: u64) -> bool {
        if self.status.is_terminal() {
            return false;
        }
        match change {
            TaskChange::Message(message) => self.status_message = Some(message),
            TaskChange::Ask { key, request } => {
                self.input_requests.insert(key, request);
                self.status = TaskStatus::InputRequired;
            }
            TaskChange::Withdraw(key) => {
                let asked = self.input_requests.remove(&key).is_some();
                let answered = self.answers.remove(&key).is_some();
                if !asked && !answered {
                    return false;
                }
                if self.input_requests.is_empty() {
                    self.status = TaskStatus::Working;
                }
            }
            TaskChange::Finish(ending) => {
                self.input_requests.clear();
                self.answers.clear();
                // Its outcome is kept a while even when it ends near (or at) its time to live:
                // the extension lets `ttlMs` change.
                let lived = now_ms.saturating_sub(self.created_ms);
                let keep = self.ttl_ms.min(KEEP_ENDED_MS);
                self.ttl_ms = self.ttl_ms.max(lived.saturating_add(keep));
                match ending {
                    TaskEnding::Completed(result) => {
                        self.status = TaskStatus::Completed;
                        self.result = Some(result);
                    }
                    TaskEnding::Failed(error) => {
                        self.status = TaskStatus::Failed;
                        self.status_message = error
                            .get("message")
                            .and_then(Value::as_str)
                            .map(str::to_owned);
                        self.error = Some(error);
                    }
                    TaskEnding::Cancelled(reason) => {
                        self.status = TaskStatus::Cancelled;
                        self.status_message = Some(reason);
                    }
                }
            }
        }
        self.updated_ms = now_ms;
        true
    }

    /// Takes the answers of `responses` to questions still waiting (others are ignored, as the
    /// extension asks), keeping them for the tool; back to `working` when none waits any more.
    /// Returns how many it took.
    pub fn answer(&mut self, responses: Map<String, Value>, now_ms: u64) -> usize {
        if self.status.is_terminal() {
            return 0;
        }
        let mut taken = 0;
        for (key, answer) in responses {
            if self.input_requests.remove(&key).is_some() {
                self.answers.insert(key, answer);
                taken += 1;
            }
        }
        if taken > 0 {
            if self.input_requests.is_empty() {
                self.status = TaskStatus::Working;
            }
            self.updated_ms = now_ms;
        }
        taken
    }

    /// The task as `tasks/get` and `notifications/tasks` show it: its state with the result,
    /// the error or the questions inline.
    pub(crate) fn detailed(&self) -> WireTask<'_> {
        WireTask::of(self, true)
    }

    /// The task as the `CreateTaskResult` shows it: its state only.
    pub(crate) fn created(&self) -> WireTask<'_> {
        WireTask::of(self, false)
    }
}

/// How long an ended task is kept at least (or for its whole time to live, if shorter), so
/// that a client sees how a task ended even when it ended at its time to live.
const KEEP_ENDED_MS: u64 = 60_000;

/// A change the runner of a task makes to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TaskChange {
    /// A new status message (the tool reported progress or logged).
    Message(String),
    /// The tool no longer waits for the answer under this key (it gave up on the question).
    Withdraw(String),
    /// The tool asks the client something: the task waits for input.
    Ask {
        /// The question's key, unique over the task's life.
        key: String,
        /// `{method, params}`.
        request: Value,
    },
    /// The task ends.
    Finish(TaskEnding),
}

/// How a task ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TaskEnding {
    /// With the tool's result (a `CallToolResult`).
    Completed(Value),
    /// With a JSON-RPC error object.
    Failed(Value),
    /// Cancelled, for this reason.
    Cancelled(String),
}

/// A task on the wire (SEP-2663's `Task`, and with `detail` its `DetailedTask`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireTask<'a> {
    task_id: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_message: Option<&'a str>,
    created_at: String,
    last_updated_at: String,
    ttl_ms: u64,
    poll_interval_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    input_requests: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a Value>,
}

impl<'a> WireTask<'a> {
    fn of(record: &'a TaskRecord, detail: bool) -> Self {
        let status = record.status;
        WireTask {
            task_id: &record.id,
            status: status.as_str(),
            status_message: record.status_message.as_deref(),
            created_at: iso8601(record.created_ms),
            last_updated_at: iso8601(record.updated_ms),
            ttl_ms: record.ttl_ms,
            poll_interval_ms: record.poll_interval_ms,
            input_requests: (detail && status == TaskStatus::InputRequired)
                .then_some(&record.input_requests),
            result: record
                .result
                .as_ref()
                .filter(|_| detail && status == TaskStatus::Completed),
            error: record
                .error
                .as_ref()
                .filter(|_| detail && status == TaskStatus::Failed),
        }
    }
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, millis)
}

/// `ms` since the Unix epoch as an ISO 8601 UTC timestamp with milliseconds
/// (`2026-07-28T10:30:00.000Z`).
pub(crate) fn iso8601(ms: u64) -> String {
    let seconds = ms / 1000;
    let (days, in_day) = (seconds / 86_400, seconds % 86_400);
    // Howard Hinnant's days-to-civil algorithm, for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_are_iso_8601_utc() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        // 2026-07-28T10:30:00.250Z, and a leap day.
        assert_eq!(iso8601(1_785_234_600_250), "2026-07-28T10:30:00.250Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    fn record() -> TaskRecord {
        let settings = crate::tasks::TaskSettings::default();
        TaskRecord::new("t1".into(), None, "tool", &settings, Map::new())
    }

    #[test]
    fn answers_count_only_for_questions_that_wait_and_an_ended_task_stays_ended() {
        let mut task = record();
        let ask = |key: &str| TaskChange::Ask {
            key: key.into(),
            request: json!({"method": "elicitation/create", "params": {}}),
        };
        assert!(task.apply(ask("a"), 1));
        assert!(task.apply(ask("b"), 2));
        assert_eq!(task.status, TaskStatus::InputRequired);
        let answers = json!({"a": {"action": "accept"}, "never-asked": {}});
        assert_eq!(task.answer(answers.as_object().unwrap().clone(), 3), 1);
        assert_eq!(task.status, TaskStatus::InputRequired);
        assert_eq!(task.input_requests.keys().collect::<Vec<_>>(), ["b"]);
        // Answered once only: the same key again is ignored.
        assert_eq!(task.answer(answers.as_object().unwrap().clone(), 4), 0);
        let last = json!({"b": {"action": "decline"}});
        assert_eq!(task.answer(last.as_object().unwrap().clone(), 5), 1);
        assert_eq!(task.status, TaskStatus::Working);
        assert_eq!(task.answers.len(), 2);

        let done = TaskChange::Finish(TaskEnding::Completed(json!({"content": []})));
        assert!(task.apply(done, 6));
        assert!(!task.apply(TaskChange::Message("late".into()), 7));
        assert!(!task.apply(TaskChange::Finish(TaskEnding::Cancelled("x".into())), 8));
        assert_eq!(task.status, TaskStatus::Completed);
        assert_eq!(task.updated_ms, 6);
    }

    #[test]
    fn the_wire_shows_what_belongs_to_each_status() {
        let mut task = record();
        let created = serde_json::to_value(task.created()).unwrap();
        assert_eq!(created["status"], "working");
        assert!(created.get("inputRequests").is_none());
        task.apply(
            TaskChange::Ask {
                key: "k".into(),
                request: json!({"method": "m"}),
            },
            1,
        );
        assert_eq!(
            serde_json::to_value(task.detailed()).unwrap()["inputRequests"]["k"]["method"],
            "m"
        );
        assert!(serde_json::to_value(task.created())
            .unwrap()
            .get("inputRequests")
            .is_none());
        task.apply(
            TaskChange::Finish(TaskEnding::Failed(
                json!({"code": -32603, "message": "boom"}),
            )),
            2,
        );
        let failed = serde_json::to_value(task.detailed()).unwrap();
        assert_eq!(failed["error"]["code"], -32603);
        assert_eq!(failed["statusMessage"], "boom");
        assert!(failed.get("result").is_none() && failed.get("inputRequests").is_none());
    }
}
