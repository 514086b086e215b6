//! Server-sent events as the network client reads them: bytes in, whole events out. Only the
//! fields MCP uses (`event`, `data`, `id`); comments and `retry` are skipped.

/// One event: its type (`message` when none was named) and its data lines joined.
#[derive(Debug, PartialEq)]
pub(super) struct Event {
    pub kind: String,
    pub data: String,
    pub id: Option<String>,
}

/// Cuts a byte stream into events; bytes of an unfinished line wait for the next chunk.
#[derive(Default)]
pub(super) struct EventReader {
    buffer: Vec<u8>,
    kind: Option<String>,
    data: Option<String>,
    id: Option<String>,
}

/// A line longer than this (16 MiB) ends the stream: no server of ours sends one, and an
/// unbounded buffer would let a broken server exhaust memory.
const MAX_LINE: usize = 16 << 20;

impl EventReader {
    /// Takes a chunk; returns the events it completed, or `Err` for a line over the limit.
    pub(super) fn push(&mut self, chunk: &[u8]) -> Result<Vec<Event>, String> {
        self.buffer.extend_from_slice(chunk);
        let mut events = Vec::new();
        let mut start = 0;
        while let Some(end) = self.buffer[start..].iter().position(|&b| b == b'\n') {
            let mut line = &self.buffer[start..start + end];
            start += end + 1;
            if let Some(stripped) = line.strip_suffix(b"\r") {
                line = stripped;
            }
            let line = String::from_utf8_lossy(line).into_owned();
            if let Some(event) = self.line(&line) {
                events.push(event);
            }
        }
        self.buffer.drain(..start);
        if self.buffer.len() > MAX_LINE {
            return Err(format!("an event stream line exceeded {MAX_LINE} bytes"));
        }
        Ok(events)
    }

    fn line(&mut self, line: &str) -> Option<Event> {
        if line.is_empty() {
            let data = self.data.take();
            let kind = self.kind.take();
            let id = self.id.take();
            return data.map(|data| Event {
                kind: kind.unwrap_or_else(|| "message".to_owned()),
                data,
                id,
            });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.kind = Some(value.to_owned()),
            "id" => self.id = Some(value.to_owned()),
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_come_out_whole() {
        let mut reader = EventReader::default();
        assert!(reader
            .push(b"event: endpoint\r\ndata: /messages")
            .unwrap()
            .is_empty());
        let events = reader
            .push(b"?s=1\r\n\r\n: ping\n\nid: 7\ndata: {\"a\":\ndata: 1}\n\n")
            .unwrap();
        assert_eq!(
            events,
            [
                Event {
                    kind: "endpoint".into(),
                    data: "/messages?s=1".into(),
                    id: None
                },
                Event {
                    kind: "message".into(),
                    data: "{\"a\":\n1}".into(),
                    id: Some("7".into())
                },
            ]
        );
    }
}
