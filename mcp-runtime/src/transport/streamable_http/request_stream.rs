//! The SSE stream answering one POST: what the request sent on the way (logs, progress,
//! requests to the client), then its response, after which the stream ends.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web_lab::sse;
use futures_core::Stream;
use tokio::sync::mpsc;

use crate::context::{Answer, Outgoing};
use crate::task::AbortOnDrop;

/// The SSE stream answering one POST: its messages, the response last.
pub(super) struct RequestStream {
    first: Option<Outgoing>,
    receiver: Option<mpsc::Receiver<Outgoing>>,
    /// The response, when the request finished before the stream began: it follows the
    /// messages queued in `receiver`.
    last: Option<Answer>,
    /// The response was sent: the stream ends, even if a tool kept its `Context` alive.
    answered: bool,
    /// The request's task, stopped if the stream is dropped before the response (the
    /// client closed it: in MCP 2026-07-28 that cancels the request).
    task: Option<AbortOnDrop>,
}

impl RequestStream {
    /// A request that finished having sent nothing else.
    pub(super) fn answered(response: Answer) -> Self {
        RequestStream {
            first: Some(Outgoing::Response(response)),
            receiver: None,
            last: None,
            answered: false,
            task: None,
        }
    }

    /// A request that finished, with what it sent on the way queued in `receiver`.
    pub(super) fn finished(receiver: mpsc::Receiver<Outgoing>, response: Answer) -> Self {
        RequestStream {
            first: None,
            receiver: Some(receiver),
            last: Some(response),
            answered: false,
            task: None,
        }
    }

    /// A request still running, which has sent `first`.
    pub(super) fn live(
        first: Outgoing,
        receiver: mpsc::Receiver<Outgoing>,
        task: Option<AbortOnDrop>,
    ) -> Self {
        RequestStream {
            first: Some(first),
            receiver: Some(receiver),
            last: None,
            answered: false,
            task,
        }
    }

    /// The response, when it is the only message: it can go as a plain JSON body.
    pub(super) fn only_response(self) -> Result<Answer, Self> {
        match self {
            RequestStream {
                first: Some(Outgoing::Response(answer)),
                ..
            } => Ok(answer),
            stream => Err(stream),
        }
    }

    fn next_message(&mut self, cx: &mut Context<'_>) -> Poll<Option<Outgoing>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(first));
        }
        let Some(receiver) = &mut self.receiver else {
            return Poll::Ready(None);
        };
        if self.last.is_some() {
            // Everything queued was sent before the response: drain it, then the response.
            return Poll::Ready(match receiver.try_recv() {
                Ok(message) => Some(message),
                Err(_) => self.last.take().map(Outgoing::Response),
            });
        }
        receiver.poll_recv(cx)
    }
}

impl Stream for RequestStream {
    type Item = Result<sse::Event, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.answered {
            return Poll::Ready(None);
        }
        self.next_message(cx).map(|message| {
            message.map(|message| {
                let json = match message {
                    Outgoing::Related(json) => json,
                    Outgoing::Response(answer) => {
                        self.answered = true;
                        // Answered: nothing is left to cancel when the stream is dropped.
                        if let Some(task) = self.task.take() {
                            task.forget();
                        }
                        answer.json
                    }
                };
                Ok(sse::Event::Data(sse::Data::new(json).event("message")))
            })
        })
    }
}
