//! `tasks/get`, `tasks/update` and `tasks/cancel` (MCP 2026-07-28 with the tasks extension).
//! Each needs the extension declared in the request, and sees only the caller's own tasks: a
//! task of another identity is "not found", exactly as one that never existed.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::record::TaskRecord;
use super::run::store_error;
use crate::protocol::wire::Empty;
use crate::protocol::{encode, ErrorObject};
use crate::server::Server;
use crate::session::Session;

/// A method of the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskMethod {
    Get,
    Update,
    Cancel,
}

impl TaskMethod {
    pub(crate) fn of(method: &str) -> Option<TaskMethod> {
        match method {
            "tasks/get" => Some(TaskMethod::Get),
            "tasks/update" => Some(TaskMethod::Update),
            "tasks/cancel" => Some(TaskMethod::Cancel),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            TaskMethod::Get => "tasks/get",
            TaskMethod::Update => "tasks/update",
            TaskMethod::Cancel => "tasks/cancel",
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TaskParams {
    task_id: String,
    #[serde(default)]
    input_responses: Option<Value>,
}

/// Answers one of the extension's methods.
pub(crate) async fn handle(
    server: &Server,
    session: &Session,
    method: TaskMethod,
    params: Value,
) -> Result<Box<RawValue>, ErrorObject> {
    let declared = session
        .negotiated()
        .is_some_and(|negotiated| super::declared(&negotiated.client_capabilities));
    if !declared {
        return Err(super::missing_extension(&format!("`{}`", method.name())));
    }
    let TaskParams {
        task_id,
        input_responses,
    } = TaskParams::deserialize(&params).map_err(|err| {
        ErrorObject::invalid_params(format!(
            "`{}` needs params with the `taskId` the server sent (a string): {err}",
            method.name()
        ))
    })?;
    let store = server.tasks().store();
    let task = own_task(server, session, &task_id).await?;
    match method {
        TaskMethod::Get => encode(&task.detailed()),
        TaskMethod::Update => {
            let responses = match input_responses {
                Some(Value::Object(responses)) => responses,
                _ => {
                    return Err(ErrorObject::invalid_params(
                        "`tasks/update` needs `inputResponses`: an object of answers, by the \
                         keys of the task's `inputRequests`",
                    ))
                }
            };
            store
                .answer(&task_id, responses)
                .await
                .map_err(|err| store_error(&err))?;
            encode(&Empty {})
        }
        TaskMethod::Cancel => {
            store
                .cancel(&task_id)
                .await
                .map_err(|err| store_error(&err))?;
            encode(&Empty {})
        }
    }
}

/// The task `id`, if it is the caller's.
pub(crate) async fn own_task(
    server: &Server,
    session: &Session,
    id: &str,
) -> Result<TaskRecord, ErrorObject> {
    let found = server
        .tasks()
        .store()
        .get(id)
        .await
        .map_err(|err| store_error(&err))?;
    let caller = session.identity();
    let caller = caller.as_ref().map(|identity| identity.subject());
    match found {
        Some(task) if task.owner.as_deref() == caller => Ok(task),
        _ => Err(ErrorObject::invalid_params(format!(
            "task not found: no task `{id}` is yours (it never existed, or it expired)"
        ))),
    }
}
