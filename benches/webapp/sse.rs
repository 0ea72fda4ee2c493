//! A small Server-Sent Events client for many open streams: one TCP connection per
//! stream, the HTTP/1.1 request written by hand, the chunked answer decoded and its
//! events parsed as they arrive, in a few hundred bytes of buffers per stream.

use anyhow::{bail, ensure, Context, Result};
use std::time::Instant;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Bytes read from the socket at a time.
const READ_BUFFER: usize = 512;

/// One event as it arrived.
pub(crate) struct Event {
    pub(crate) name: String,
    pub(crate) id: Option<String>,
    pub(crate) data: String,
    /// When its last line was read.
    pub(crate) at: Instant,
}

/// An open stream.
pub(crate) struct Stream {
    reader: BufReader<TcpStream>,
    /// Bytes of the current chunk not read yet.
    chunk_left: usize,
    line: Vec<u8>,
    event: (String, Option<String>, String),
}

impl Stream {
    /// Sends `GET <path>` with `authorization` and reads the answer's head; fails
    /// unless it is a 200 event stream.
    pub(crate) async fn open(port: u16, path: &str, authorization: &str) -> Result<Stream> {
        let mut socket = TcpStream::connect(("127.0.0.1", port)).await?;
        socket.set_nodelay(true)?;
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {authorization}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
        );
        socket.write_all(request.as_bytes()).await?;
        let mut reader = BufReader::with_capacity(READ_BUFFER, socket);
        let mut head = String::new();
        let mut chunked = false;
        let mut status = String::new();
        loop {
            head.clear();
            ensure!(
                reader.read_line(&mut head).await? > 0,
                "{path}: closed in the head"
            );
            let line = head.trim_end();
            if line.is_empty() {
                break;
            }
            if status.is_empty() {
                status = line.to_string();
            } else if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.trim().eq_ignore_ascii_case("chunked");
                }
            }
        }
        ensure!(status.split(' ').nth(1) == Some("200"), "{path}: {status}");
        ensure!(chunked, "{path}: the stream is not chunked");
        Ok(Stream {
            reader,
            chunk_left: 0,
            line: Vec::new(),
            event: Default::default(),
        })
    }

    /// The next byte of the body, across chunk boundaries; `None` at its end.
    async fn byte(&mut self) -> Result<Option<u8>> {
        if self.chunk_left == 0 {
            let mut size = String::new();
            // The CRLF that closed the previous chunk comes first (none before the first).
            while size.trim().is_empty() {
                size.clear();
                if self.reader.read_line(&mut size).await? == 0 {
                    return Ok(None);
                }
            }
            let hex = size.trim().split(';').next().unwrap_or("");
            let n =
                usize::from_str_radix(hex, 16).with_context(|| format!("chunk size {hex:?}"))?;
            if n == 0 {
                return Ok(None);
            }
            self.chunk_left = n;
        }
        self.chunk_left -= 1;
        Ok(Some(self.reader.read_u8().await?))
    }

    /// The next event (comments skipped); `None` when the stream ended.
    pub(crate) async fn next(&mut self) -> Result<Option<Event>> {
        loop {
            self.line.clear();
            loop {
                match self.byte().await? {
                    None => return Ok(None),
                    Some(b'\n') => break,
                    Some(b) => self.line.push(b),
                }
            }
            if self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
            if self.line.is_empty() {
                let (name, id, data) = std::mem::take(&mut self.event);
                if name.is_empty() && data.is_empty() {
                    continue;
                }
                // The order's first event is large; later ones are small.
                self.line.shrink_to(256);
                return Ok(Some(Event {
                    name: if name.is_empty() {
                        "message".into()
                    } else {
                        name
                    },
                    id,
                    data,
                    at: Instant::now(),
                }));
            }
            let line = std::str::from_utf8(&self.line).context("an event that is not UTF-8")?;
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "event" => self.event.0 = value.to_string(),
                "id" => self.event.1 = Some(value.to_string()),
                "data" => {
                    if !self.event.2.is_empty() {
                        self.event.2.push('\n');
                    }
                    self.event.2.push_str(value);
                }
                "retry" => {}
                other => bail!("an event with the field {other:?}"),
            }
        }
    }
}
