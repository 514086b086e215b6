//! An incremental parser of `text/event-stream` bodies: bytes in, events out.

/// One server-sent event: its `event:` name (`message` when absent) and its `data:` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub event: String,
    pub data: String,
}

/// Feeds on chunks as they arrive (split anywhere) and yields whole events.
#[derive(Default)]
pub struct Parser {
    buf: Vec<u8>,
}

impl Parser {
    /// Adds the next chunk of the body. Carriage returns are dropped, so `\r\n` line ends work
    /// like `\n` (JSON never carries a raw CR).
    pub fn push(&mut self, chunk: &[u8]) {
        self.buf
            .extend(chunk.iter().copied().filter(|&b| b != b'\r'));
    }

    /// The next complete event with data; comments (`: ping`), `retry:` and empty priming
    /// events are skipped.
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            let end = self.buf.windows(2).position(|w| w == b"\n\n")?;
            let block: Vec<u8> = self.buf.drain(..end + 2).collect();
            let block = String::from_utf8_lossy(&block[..end]);
            let mut event = String::new();
            let mut data: Option<String> = None;
            for line in block.split('\n') {
                let (field, value) = match line.split_once(':') {
                    Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
                    None => (line, ""),
                };
                match field {
                    "" => {} // a comment
                    "event" => event = value.to_owned(),
                    "data" => match &mut data {
                        Some(data) => {
                            data.push('\n');
                            data.push_str(value);
                        }
                        None => data = Some(value.to_owned()),
                    },
                    _ => {} // id, retry
                }
            }
            match data {
                Some(data) if !data.is_empty() => {
                    if event.is_empty() {
                        event = "message".to_owned();
                    }
                    return Some(Event { event, data });
                }
                _ => continue,
            }
        }
    }
}

/// Every event of a complete body.
pub fn events(body: &[u8]) -> Vec<Event> {
    let mut parser = Parser::default();
    parser.push(body);
    parser.push(b"\n\n"); // a last event without its blank line still counts
    std::iter::from_fn(|| parser.next_event()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_anywhere_with_comments_and_crlf() {
        let body = b": ping\n\nevent: endpoint\r\ndata: /messages/?session_id=ab\r\n\r\nid: 1\nretry: 1000\ndata:\n\nevent: message\ndata: {\"a\":\ndata: 1}\n\n";
        for split in 0..body.len() {
            let mut parser = Parser::default();
            parser.push(&body[..split]);
            let mut got: Vec<Event> = std::iter::from_fn(|| parser.next_event()).collect();
            parser.push(&body[split..]);
            got.extend(std::iter::from_fn(|| parser.next_event()));
            assert_eq!(
                got,
                vec![
                    Event {
                        event: "endpoint".into(),
                        data: "/messages/?session_id=ab".into()
                    },
                    Event {
                        event: "message".into(),
                        data: "{\"a\":\n1}".into()
                    },
                ],
                "split at {split}"
            );
        }
    }

    #[test]
    fn unterminated_last_event_of_a_body() {
        let got = events(b"event: message\ndata: {}");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].data, "{}");
    }
}
