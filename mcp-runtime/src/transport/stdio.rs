//! The stdio transport: newline-delimited JSON-RPC on standard input and output, the way
//! desktop clients (Claude Desktop, Cursor, the MCP Inspector) run local servers.
//!
//! ```text
//! stdin   {"jsonrpc":"2.0","id":1,"method":"tools/list"}
//! stdout  {"jsonrpc":"2.0","id":1,"result":{"tools":[..]}}
//! ```

use std::any::Any;
use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

use crate::dispatch::{serve_read, Rejected, Reply};
use crate::protocol::{ErrorObject, Response, INVALID_REQUEST};
use crate::server::Server;
use crate::session::{new_session_id, Outbound, Registration, Session, Transport};

/// Responses written to the output in one `write` when they are ready together.
const BATCH_BYTES: usize = 64 * 1024;

const TRANSPORT: Transport = Transport {
    name: "stdio",
    // One client, for the life of the process: nothing to limit or to close at shutdown.
    admitted: false,
    idle_timeout: None,
};

impl Server {
    /// Serves one client over standard input and output until standard input ends, with the
    /// default settings; see [`Stdio`] for what it does and how to change them.
    ///
    /// This is how desktop clients run a local server: they start the program and speak
    /// newline-delimited JSON-RPC on its stdin and stdout. Anything else the program prints
    /// must therefore go to standard error (`eprintln!`, a logger writing to stderr): a stray
    /// `println!` corrupts the protocol stream.
    ///
    /// ```no_run
    /// # use mcp_runtime::Server;
    /// #[tokio::main(flavor = "current_thread")]
    /// async fn main() -> std::io::Result<()> {
    ///     let server = Server::builder().name("calculator").build().expect("valid server");
    ///     server.serve_stdio().await
    /// }
    /// ```
    ///
    /// # Errors
    ///
    /// An I/O error on standard input or output, other than the client closing its end.
    pub async fn serve_stdio(&self) -> io::Result<()> {
        self.stdio().serve().await
    }

    /// The stdio transport of this server, to configure before serving.
    pub fn stdio(&self) -> Stdio {
        Stdio {
            server: self.clone(),
            max_line_bytes: 4 * 1024 * 1024,
            outbound_queue: 64,
            identity: None,
        }
    }
}

/// The stdio transport of a server; see [`Server::stdio`].
///
/// - Requests run concurrently, each as its own task: a slow tool never holds up a `ping`.
///   `initialize` alone is answered before the next line is read, so a client that sends
///   its first requests without waiting still finds the session initialized.
/// - Every message leaves as one line (compact JSON has no newline in it) through a single
///   writer, so lines never interleave; server-initiated messages, such as those of
///   [`notify_all`](Server::notify_all), take the same way.
/// - Blank lines are ignored. A line that is not JSON is answered with a `-32700` parse
///   error (id `null`), a malformed message with `-32600` (with its id when it has one);
///   either way the server keeps reading. A line longer than
///   [`max_line_bytes`](Self::max_line_bytes) is skipped and answered with `-32600`.
/// - When the input ends, it stops reading, lets the requests still running finish,
///   writes their responses and returns `Ok(())`. It also returns `Ok(())` when the
///   client closes the output (a broken pipe): nobody is left to answer.
///
/// It runs in any tokio runtime, current-thread or multi-thread, including actix-web's
/// (`#[actix_web::main]`). The session gets a random id, like the sessions of the HTTP
/// transports.
#[derive(Debug, Clone)]
pub struct Stdio {
    server: Server,
    max_line_bytes: usize,
    outbound_queue: usize,
    identity: Option<crate::auth::Identity>,
}

impl Stdio {
    /// Who the client is: stdio has no authentication of its own, so a program launched for
    /// one user may say which (tools read it as [`Context::identity`](crate::Context::identity),
    /// middleware and visibility rules decide by it). Default: none.
    pub fn identity(mut self, identity: crate::auth::Identity) -> Self {
        self.identity = Some(identity);
        self
    }

    /// The longest line read; longer ones are skipped and answered with an error.
    /// Default: 4 MiB.
    pub fn max_line_bytes(mut self, bytes: usize) -> Self {
        self.max_line_bytes = bytes;
        self
    }

    /// How many messages may wait for the writer. Default: 64.
    pub fn outbound_queue(mut self, messages: usize) -> Self {
        self.outbound_queue = messages.max(1);
        self
    }

    /// Serves over standard input and output; see [`Server::serve_stdio`].
    ///
    /// # Errors
    ///
    /// An I/O error on standard input or output, other than the client closing its end.
    pub async fn serve(self) -> io::Result<()> {
        self.serve_io(tokio::io::stdin(), tokio::io::stdout()).await
    }

    /// Serves one client over any byte stream pair (a pipe, a socket, an in-memory
    /// [`tokio::io::duplex`] in tests) with the stdio framing: one JSON-RPC message per line.
    ///
    /// # Errors
    ///
    /// An I/O error reading the input or writing the output, other than a broken output pipe.
    pub async fn serve_io<R, W>(self, reader: R, writer: W) -> io::Result<()>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let (sender, receiver) = mpsc::channel::<String>(self.outbound_queue);
        // Weak, so that a session still referenced somewhere cannot keep the output open: the
        // channel closes once the reader and every running request are done.
        let outbound = LineOutbound(sender.downgrade());
        let session = Session::with_outbound(new_session_id(), outbound);
        if let Some(identity) = self.identity.clone() {
            // A new session has no owner yet: binding cannot fail.
            let _ = session.bind_identity(Some(identity));
        }
        let registration = self.server.sessions().register(session.clone(), TRANSPORT);
        let (server, connection) = (self.server.clone(), session.id().to_owned());
        let reading = self.read_messages(session, registration, BufReader::new(reader), sender);
        let writing = write_messages(receiver, writer);
        tokio::pin!(writing);
        tokio::select! {
            // The writer only stops early when the output failed or the client closed it:
            // nothing can reach the client any more, so its listen streams end too.
            written = &mut writing => {
                server.listeners().close_connection(&connection);
                written
            }
            read = reading => {
                let written = writing.await;
                read.and(written)
            }
        }
    }

    /// Reads and dispatches messages until the input ends; returns once nothing is left to
    /// read (its sender dropped, so the writer ends after the last running request's
    /// response).
    async fn read_messages<R: AsyncBufRead + Unpin>(
        self,
        session: Session,
        registration: Registration,
        mut reader: R,
        sender: mpsc::Sender<String>,
    ) -> io::Result<()> {
        let limit = self.max_line_bytes;
        let mut line = Vec::new();
        loop {
            line.clear();
            let text = match read_line(&mut reader, &mut line, limit).await? {
                Line::End => break,
                Line::TooLong => {
                    let error = ErrorObject::new(
                        INVALID_REQUEST,
                        format!(
                            "message too large: a line may hold at most {limit} bytes \
                             (Stdio::max_line_bytes)"
                        ),
                    );
                    send(&sender, Response::error(None, error)).await;
                    continue;
                }
                Line::Complete => line.trim_ascii(),
            };
            if text.is_empty() {
                continue;
            }
            let reply = LineReply(sender.clone());
            let eras = self.server.eras();
            let refused = match serve_read(&self.server, &session, text, reply, eras).await {
                Ok(()) => continue,
                Err(Rejected::Undecodable(err)) => err.to_response(),
                Err(Rejected::Batch(error)) => Response::error(None, error),
            };
            send(&sender, refused).await;
        }
        // The client is done: no more server-initiated messages for it, and its listen
        // streams end (they would keep the output open for ever).
        self.server.listeners().close_connection(session.id());
        drop(registration);
        Ok(())
    }
}

/// Server-initiated messages, queued for the writer while it runs.
struct LineOutbound(mpsc::WeakSender<String>);

impl Outbound for LineOutbound {
    fn send(&self, message: String) -> bool {
        self.0
            .upgrade()
            .is_some_and(|sender| sender.try_send(message).is_ok())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Responses, queued for the writer (waiting for room, so none is lost).
struct LineReply(mpsc::Sender<String>);

impl Reply for LineReply {
    async fn send(self, json: String) {
        // A writer that stopped has nobody left to answer.
        let _ = self.0.send(json).await;
    }
}

/// Queues a response for the writer (which may have stopped: then nobody is left to answer).
async fn send(sender: &mpsc::Sender<String>, response: Response) {
    let _ = sender.send(response.to_json()).await;
}

/// Writes queued messages, one per line, until every sender is gone.
async fn write_messages<W: AsyncWrite + Unpin>(
    mut receiver: mpsc::Receiver<String>,
    mut writer: W,
) -> io::Result<()> {
    let mut batch = Vec::new();
    let result = async {
        while let Some(message) = receiver.recv().await {
            batch.clear();
            push_line(&mut batch, &message);
            while batch.len() < BATCH_BYTES {
                match receiver.try_recv() {
                    Ok(message) => push_line(&mut batch, &message),
                    Err(_) => break,
                }
            }
            writer.write_all(&batch).await?;
            writer.flush().await?;
        }
        writer.shutdown().await
    }
    .await;
    match result {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn push_line(batch: &mut Vec<u8>, message: &str) {
    debug_assert!(!message.contains('\n'), "a message must fit on one line");
    batch.extend_from_slice(message.as_bytes());
    batch.push(b'\n');
}

enum Line {
    /// A line (without its newline) is in the buffer; the last line may lack the newline.
    Complete,
    /// The line was longer than the limit and has been skipped.
    TooLong,
    /// The input has ended.
    End,
}

/// Reads one line into `line`, keeping at most `limit` bytes of it in memory.
async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    line: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Line> {
    let mut too_long = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(match (too_long, line.is_empty()) {
                (true, _) => Line::TooLong,
                (false, true) => Line::End,
                (false, false) => Line::Complete,
            });
        }
        let (chunk, consumed, ends_line) = match available.iter().position(|&b| b == b'\n') {
            Some(newline) => (&available[..newline], newline + 1, true),
            None => (available, available.len(), false),
        };
        if !too_long && line.len() + chunk.len() <= limit {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
            line.clear();
        }
        reader.consume(consumed);
        if ends_line {
            return Ok(if too_long {
                Line::TooLong
            } else {
                Line::Complete
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines(input: &[u8], limit: usize) -> Vec<Result<String, &'static str>> {
        let mut reader = input;
        let mut line = Vec::new();
        let mut out = Vec::new();
        loop {
            line.clear();
            match read_line(&mut reader, &mut line, limit).await.unwrap() {
                Line::End => return out,
                Line::TooLong => out.push(Err("too long")),
                Line::Complete => out.push(Ok(String::from_utf8(line.clone()).unwrap())),
            }
        }
    }

    #[tokio::test]
    async fn splits_lines_and_skips_overlong_ones() {
        assert_eq!(
            lines(b"a\n\nbc\r\nlast", 10).await,
            [
                Ok("a".into()),
                Ok("".into()),
                Ok("bc\r".into()),
                Ok("last".into())
            ]
        );
        assert_eq!(
            lines(b"12345\n123456\nok\n1234567", 5).await,
            [
                Ok("12345".into()),
                Err("too long"),
                Ok("ok".into()),
                Err("too long")
            ]
        );
        assert!(lines(b"", 5).await.is_empty());
    }
}
