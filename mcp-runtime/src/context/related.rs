//! The messages one request sends on its own stream (Streamable HTTP answers a POST with one):
//! logs, progress and requests to the client, then the response.

use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

/// A message a transport sends while answering one request: messages related to it (logs,
/// progress, requests to the client), then its response.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Related(String),
    Response(Answer),
}

/// A response as JSON text, with its error code (a transport may choose a status by it).
#[derive(Debug)]
pub(crate) struct Answer {
    pub json: String,
    pub error_code: Option<i64>,
}

impl Answer {
    pub(crate) fn of(response: &crate::protocol::Response) -> Answer {
        Answer {
            json: response.to_json(),
            error_code: response.outcome.as_ref().err().map(|error| error.code),
        }
    }
}

/// The stream of one request. The bounded channel carrying it is made when the first message
/// is sent: most requests send none, and a channel per request showed in the profile.
pub(crate) struct RelatedStream {
    capacity: usize,
    channel: Mutex<Option<Channel>>,
}

struct Channel {
    sender: mpsc::Sender<Outgoing>,
    receiver: Option<mpsc::Receiver<Outgoing>>,
}

impl RelatedStream {
    pub(crate) fn new(capacity: usize) -> Arc<RelatedStream> {
        Arc::new(RelatedStream {
            capacity,
            channel: Mutex::new(None),
        })
    }

    /// The sending end, making the channel if there is none yet.
    pub(crate) fn sender(&self) -> mpsc::Sender<Outgoing> {
        let mut channel = self
            .channel
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let channel = channel.get_or_insert_with(|| {
            let (sender, receiver) = mpsc::channel(self.capacity);
            Channel {
                sender,
                receiver: Some(receiver),
            }
        });
        channel.sender.clone()
    }

    /// The receiving end, once; `None` if no channel was made (nothing was sent).
    pub(crate) fn take_receiver(&self) -> Option<mpsc::Receiver<Outgoing>> {
        self.channel
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_mut()
            .and_then(|channel| channel.receiver.take())
    }
}
