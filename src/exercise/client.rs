//! A seat's end of the connection: connect, say who it is, then send inputs and receive
//! views. Used by `jets view --connect` and by the tests; blocking, with timeouts, so no loop
//! waits forever.
//!
//! Owns: [`Client`], [`Briefing::load`] (a briefing written to a folder and loaded like any
//! scenario, so the app draws a seat's map with its own code).
//! Must not: keep anything the server did not send.

use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::{Duration, Instant};

use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use super::protocol::{Briefing, MAX_MESSAGE_BYTES, PROTOCOL, ToClient, ToServer};
use super::view::Cursor;
use crate::scenario::{self, Loaded, Problems};

/// A connected seat.
pub struct Client {
    ws: WebSocket<TcpStream>,
    /// The briefing the server sent.
    pub briefing: Briefing,
    /// Bytes received so far.
    pub received: u64,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Client {
    /// Connects to `addr` (`host:port`, or `ws://host:port`) as `seat` with `token`, asking
    /// for what it lacks after `cursor`; waits at most `timeout` for the briefing.
    pub fn connect(addr: &str, seat: &str, token: &str, cursor: Cursor, timeout: Duration) -> Result<Client, String> {
        let hostport = addr.trim_start_matches("ws://").trim_end_matches('/');
        let sock = hostport
            .to_socket_addrs()
            .map_err(|e| format!("`{addr}` is not a host:port address: {e}"))?
            .next()
            .ok_or_else(|| format!("`{addr}` resolves to no address"))?;
        let stream =
            TcpStream::connect_timeout(&sock, timeout).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        stream.set_read_timeout(Some(timeout)).map_err(err)?;
        stream.set_write_timeout(Some(timeout)).map_err(err)?;
        let _ = stream.set_nodelay(true);
        let cfg = WebSocketConfig::default()
            .max_message_size(Some(MAX_MESSAGE_BYTES))
            .max_frame_size(Some(MAX_MESSAGE_BYTES));
        let (mut ws, _) = tungstenite::client::client_with_config(format!("ws://{hostport}/"), stream, Some(cfg))
            .map_err(|e| format!("{addr} does not speak the jets protocol: {e}"))?;
        let hello = ToServer::Hello { seat: seat.into(), token: token.into(), protocol: PROTOCOL, cursor };
        ws.send(Message::text(serde_json::to_string(&hello).map_err(err)?)).map_err(err)?;
        let mut c = Client { ws, briefing: placeholder(), received: 0 };
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("{addr} sent no briefing in time"));
            }
            match c.recv(left)? {
                Some(ToClient::Welcome(b)) => {
                    c.briefing = b;
                    return Ok(c);
                }
                Some(ToClient::Error(e)) => return Err(e),
                _ => {}
            }
        }
    }

    /// Sends a message.
    pub fn send(&mut self, m: &ToServer) -> Result<(), String> {
        self.ws.send(Message::text(serde_json::to_string(m).map_err(err)?)).map_err(err)
    }

    /// The next message, waiting at most `wait`: `Ok(None)` when none came, an error when the
    /// connection is gone.
    pub fn recv(&mut self, wait: Duration) -> Result<Option<ToClient>, String> {
        self.ws.get_mut().set_read_timeout(Some(wait.max(Duration::from_millis(1)))).map_err(err)?;
        match self.ws.read() {
            Ok(Message::Text(t)) => {
                self.received += t.len() as u64;
                serde_json::from_str(t.as_str()).map(Some).map_err(|e| format!("an unreadable message: {e}"))
            }
            Ok(Message::Close(_)) => Err("the server closed the connection".into()),
            Ok(_) => Ok(None),
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
            {
                Ok(None)
            }
            Err(e) => Err(e.to_string()),
        }
    }

    /// Closes the connection.
    pub fn close(mut self) {
        let _ = self.ws.close(None);
        let _ = self.ws.flush();
    }
}

fn placeholder() -> Briefing {
    Briefing {
        seat: String::new(),
        role: super::Role::Control,
        protocol: PROTOCOL,
        scenario: String::new(),
        files: Vec::new(),
        paused: true,
        speed: 0.0,
        history: Default::default(),
    }
}

impl Briefing {
    /// Writes the briefing's scenario and files into `dir` and loads it like any scenario.
    pub fn load(&self, dir: &Path) -> Result<Loaded, Problems> {
        let bare = |e: std::io::Error| {
            let mut p = Problems::default();
            p.error_bare(
                format!("cannot write the briefing in {}: {e}", dir.display()),
                Some("check the folder".into()),
            );
            p
        };
        for (name, text) in &self.files {
            // only plain names: a briefing cannot write outside its folder
            if name.contains(['/', '\\']) || name.starts_with('.') {
                let mut p = Problems::default();
                p.error_bare(
                    format!("the briefing names a file `{name}` outside its folder"),
                    Some("a bad server".into()),
                );
                return Err(p);
            }
            crate::fsio::write_atomic(&dir.join(name), text.as_bytes()).map_err(bare)?;
        }
        let path = dir.join("briefing.ron");
        crate::fsio::write_atomic(&path, self.scenario.as_bytes()).map_err(bare)?;
        scenario::load_file(&path)
    }
}
