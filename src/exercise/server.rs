//! `jets serve`: the one authoritative run of an exercise, headless, with its seats connected
//! over WebSocket.
//!
//! Threads: the caller's thread runs the session — it advances the run by the wall time that
//! passed at the control's speed (in slices of at most [`ServeOptions::slice_ms`]) and, a few
//! times a second, builds each connected seat's view and hands it to the seat's connection;
//! an accept thread takes connections; each connection has a thread that reads the seat's
//! messages (an input is checked and given to the session at once, and answered) and writes
//! what the session hands it. A connection must say who it is with the right token within
//! [`HELLO_S`] seconds, or it is sent an error and closed: it gets nothing else. A slow
//! client is not waited for: its views wait (at most [`QUEUED_VIEWS`]) and the events it has
//! not been sent stay in its next view, so it never misses one.
//!
//! Owns: [`serve`], [`ServeOptions`], [`ServeReport`]. Must not: print (it reports through
//! [`Note`]s), or send a seat anything but its briefing, its views and answers to it.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use super::protocol::{self, MAX_MESSAGE_BYTES, PROTOCOL, ToClient, ToServer};
use super::view::Cursor;
use super::{Role, Session};

/// Seconds a new connection has to say who it is.
pub const HELLO_S: u64 = 5;
/// Views waiting for a slow client before the next ones are held back.
pub const QUEUED_VIEWS: usize = 8;
/// Most connections at once.
pub const MAX_CONNECTIONS: usize = 64;
/// Most messages a connection may send a second (inputs beyond are refused).
pub const MAX_INPUTS_PER_S: u32 = 50;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Views sent per second to each seat.
    pub views_per_s: f64,
    /// Longest slice of ticks between two looks at the connections, milliseconds.
    pub slice_ms: u64,
    /// Stop when the run has ended and every connected seat has its last view.
    pub exit_at_end: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions { views_per_s: 5.0, slice_ms: 50, exit_at_end: false }
    }
}

/// What happened, for the binary to print.
#[derive(Debug, Clone)]
pub enum Note {
    /// A seat joined (again).
    Joined { seat: String, peer: String },
    /// A seat left.
    Left { seat: String },
    /// A connection was refused.
    Refused { peer: String, why: String },
    /// An input was taken.
    Input { seat: String, tick: u64, what: String },
    /// The run ended.
    Ended,
}

/// Per seat: bytes and views sent.
#[derive(Debug, Clone, Default)]
pub struct SeatStats {
    /// Bytes sent (WebSocket payloads).
    pub bytes: u64,
    /// Views sent.
    pub views: u64,
    /// Seconds connected.
    pub connected_s: f64,
}

/// What a session served.
#[derive(Debug, Clone, Default)]
pub struct ServeReport {
    /// The run's results as the session ended (its event log and summary).
    pub result: Option<crate::sim::RunResult>,
    /// Ticks run.
    pub ticks: u64,
    /// Wall seconds served.
    pub wall_s: f64,
    /// Wall seconds spent running ticks.
    pub sim_s: f64,
    /// Per seat.
    pub seats: BTreeMap<String, SeatStats>,
}

/// A connected seat, as the session loop sees it.
struct Peer {
    seat: String,
    cursor: Cursor,
    out: SyncSender<Arc<String>>,
    /// Cleared by the connection when it ends.
    alive: Arc<AtomicBool>,
    /// The last view it was sent showed the end of the run.
    saw_end: bool,
}

struct Shared {
    session: Mutex<Session>,
    peers: Mutex<Vec<Peer>>,
    stop: AtomicBool,
    end_asked: AtomicBool,
    connections: AtomicU64,
    stats: Mutex<BTreeMap<String, SeatStats>>,
    notes: Mutex<Vec<Note>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Serves `session` on `listener` until the control ends it (or, with `exit_at_end`, the run
/// ends and every seat has seen it). `notes` is called from the session's thread with what
/// happened since its last call.
pub fn serve(
    session: Session,
    listener: TcpListener,
    opts: &ServeOptions,
    notes: &mut dyn FnMut(Note),
) -> Result<ServeReport, String> {
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let shared = Arc::new(Shared {
        session: Mutex::new(session),
        peers: Mutex::new(Vec::new()),
        stop: AtomicBool::new(false),
        end_asked: AtomicBool::new(false),
        connections: AtomicU64::new(0),
        stats: Mutex::new(BTreeMap::new()),
        notes: Mutex::new(Vec::new()),
    });
    let acceptor = {
        let shared = shared.clone();
        std::thread::spawn(move || accept_loop(listener, shared))
    };
    let started = Instant::now();
    let mut last = Instant::now();
    let mut last_view = Instant::now() - Duration::from_secs(1);
    let view_every = Duration::from_secs_f64(1.0 / opts.views_per_s.clamp(0.1, 100.0));
    let mut report = ServeReport::default();
    let mut ended_noted = false;
    loop {
        let now = Instant::now();
        let dt = now.duration_since(last).as_secs_f64();
        last = now;
        {
            let mut s = lock(&shared.session);
            let t0 = Instant::now();
            report.ticks += s.advance(dt, Duration::from_millis(opts.slice_ms));
            report.sim_s += t0.elapsed().as_secs_f64();
            if s.sim.finished() && !ended_noted {
                ended_noted = true;
                lock(&shared.notes).push(super::server::Note::Ended);
            }
            if now.duration_since(last_view) >= view_every {
                last_view = now;
                send_views(&mut s, &shared);
            }
        }
        for n in std::mem::take(&mut *lock(&shared.notes)) {
            notes(n);
        }
        let finished = lock(&shared.session).sim.finished();
        let all_saw_end = lock(&shared.peers).iter().all(|p| p.saw_end);
        if shared.end_asked.load(Ordering::Relaxed) || (opts.exit_at_end && finished && all_saw_end) {
            // the last views, then stop
            send_views(&mut lock(&shared.session), &shared);
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    shared.stop.store(true, Ordering::Relaxed);
    let _ = acceptor.join();
    // the connections write their last messages and close (one still saying hello has at most
    // HELLO_S seconds left)
    let deadline = Instant::now() + Duration::from_secs(HELLO_S + 2);
    while Arc::strong_count(&shared) > 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    report.wall_s = started.elapsed().as_secs_f64();
    report.seats = lock(&shared.stats).clone();
    // the connections are gone: the session is ours again
    let shared = Arc::try_unwrap(shared).map_err(|_| "a connection outlived the server".to_string())?;
    let session = shared.session.into_inner().unwrap_or_else(|p| p.into_inner());
    report.result = Some(session.sim.into_result());
    Ok(report)
}

/// Builds and queues each connected seat's view; a seat whose queue is full keeps its cursor,
/// so what it missed comes with a later view.
fn send_views(s: &mut Session, shared: &Shared) {
    let mut peers = lock(&shared.peers);
    peers.retain(|p| p.alive.load(Ordering::Relaxed));
    let clock = ToClient::Clock { paused: s.paused, speed: s.speed };
    for p in peers.iter_mut() {
        let Ok(view) = s.view(&p.seat, p.cursor) else { continue };
        let cursor = view.cursor;
        let ended = view.ended;
        let text = serde_json::to_string(&ToClient::View(view)).unwrap_or_default();
        match p.out.try_send(Arc::new(text)) {
            Ok(()) => {
                p.cursor = cursor;
                p.saw_end = ended;
                let _ = p.out.try_send(Arc::new(serde_json::to_string(&clock).unwrap_or_default()));
            }
            Err(TrySendError::Full(_)) => {}
            Err(TrySendError::Disconnected(_)) => p.alive.store(false, Ordering::Relaxed),
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    while !shared.stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((stream, peer)) => {
                let peer = peer.to_string();
                if shared.connections.load(Ordering::Relaxed) >= MAX_CONNECTIONS as u64 {
                    lock(&shared.notes).push(Note::Refused { peer, why: "too many connections".into() });
                    continue;
                }
                shared.connections.fetch_add(1, Ordering::Relaxed);
                let shared = shared.clone();
                std::thread::spawn(move || {
                    connection(stream, peer, &shared);
                    shared.connections.fetch_sub(1, Ordering::Relaxed);
                });
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn config() -> WebSocketConfig {
    WebSocketConfig::default().max_message_size(Some(MAX_MESSAGE_BYTES)).max_frame_size(Some(MAX_MESSAGE_BYTES))
}

fn send(ws: &mut WebSocket<TcpStream>, text: &str) -> Result<u64, ()> {
    ws.send(Message::text(text.to_string())).map_err(|_| ())?;
    Ok(text.len() as u64)
}

/// Reads one message within the stream's read timeout: `Ok(None)` when none came.
fn read(ws: &mut WebSocket<TcpStream>) -> Result<Option<ToServer>, String> {
    match ws.read() {
        Ok(Message::Text(t)) => serde_json::from_str(t.as_str()).map(Some).map_err(|e| format!("not a message: {e}")),
        Ok(Message::Close(_)) => Err("closed".into()),
        Ok(_) => Ok(None),
        Err(tungstenite::Error::Io(e)) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// One connection: the handshake, the seat's hello and token, then its messages in and its
/// views out until either side ends it.
fn connection(stream: TcpStream, peer: String, shared: &Shared) {
    let refuse = |why: String| lock(&shared.notes).push(Note::Refused { peer: peer.clone(), why });
    let _ = stream.set_nodelay(true);
    if stream.set_nonblocking(false).is_err()
        || stream.set_read_timeout(Some(Duration::from_secs(HELLO_S))).is_err()
        || stream.set_write_timeout(Some(Duration::from_secs(10))).is_err()
    {
        return;
    }
    let Ok(mut ws) = tungstenite::accept_with_config(stream, Some(config())) else {
        return refuse("not a WebSocket handshake".into());
    };
    // the hello, within HELLO_S
    let hello = match read(&mut ws) {
        Ok(Some(h)) => h,
        Ok(None) => {
            let _ = send(&mut ws, &error("no hello in time"));
            return refuse("no hello in time".into());
        }
        Err(e) => return refuse(e),
    };
    let ToServer::Hello { seat, token, protocol: version, cursor } = hello else {
        let _ = send(&mut ws, &error("the first message must be a hello with the seat and its token"));
        return refuse("no hello".into());
    };
    if version != PROTOCOL {
        let _ = send(&mut ws, &error(&format!("protocol {version} is not this server's {PROTOCOL}")));
        return refuse(format!("protocol {version}"));
    }
    let briefing = {
        let s = lock(&shared.session);
        s.authenticate(&seat, &token).map(|st| protocol::briefing(&s, &st.id, st.role))
    };
    let Some(briefing) = briefing else {
        // a wrong seat or token gets nothing but this
        let _ = send(&mut ws, &error("no such seat, or not its token"));
        let _ = ws.close(None);
        return refuse(format!("bad token for seat `{}`", jets_safe(&seat)));
    };
    let role = briefing.role;
    let alive = Arc::new(AtomicBool::new(true));
    let (tx, rx) = sync_channel::<Arc<String>>(QUEUED_VIEWS);
    let welcome = serde_json::to_string(&ToClient::Welcome(briefing)).unwrap_or_default();
    let Ok(mut sent) = send(&mut ws, &welcome) else { return };
    {
        // a seat that joins again replaces its old connection
        let mut peers = lock(&shared.peers);
        for p in peers.iter().filter(|p| p.seat == seat) {
            p.alive.store(false, Ordering::Relaxed);
        }
        peers.push(Peer { seat: seat.clone(), cursor, out: tx, alive: alive.clone(), saw_end: false });
    }
    lock(&shared.notes).push(Note::Joined { seat: seat.clone(), peer: peer.clone() });
    let _ = ws.get_mut().set_read_timeout(Some(Duration::from_millis(10)));
    let joined = Instant::now();
    let mut views = 0u64;
    let (mut window, mut in_window) = (Instant::now(), 0u32);
    let outcome =
        serve_peer(&mut ws, &rx, &alive, shared, &seat, role, &mut sent, &mut views, &mut window, &mut in_window);
    alive.store(false, Ordering::Relaxed);
    if let Err(why) = outcome {
        let _ = send(&mut ws, &error(&why));
    }
    let _ = ws.close(None);
    let _ = ws.flush();
    {
        let mut stats = lock(&shared.stats);
        let st = stats.entry(seat.clone()).or_default();
        st.bytes += sent;
        st.views += views;
        st.connected_s += joined.elapsed().as_secs_f64();
    }
    lock(&shared.notes).push(Note::Left { seat });
}

#[allow(clippy::too_many_arguments)]
fn serve_peer(
    ws: &mut WebSocket<TcpStream>,
    rx: &Receiver<Arc<String>>,
    alive: &AtomicBool,
    shared: &Shared,
    seat: &str,
    role: Role,
    sent: &mut u64,
    views: &mut u64,
    window: &mut Instant,
    in_window: &mut u32,
) -> Result<(), String> {
    loop {
        if !alive.load(Ordering::Relaxed) {
            return Ok(());
        }
        let stopping = shared.stop.load(Ordering::Relaxed);
        // what the session has for the seat
        loop {
            match rx.try_recv() {
                Ok(text) => {
                    *sent += send(ws, &text).map_err(|_| "the connection broke".to_string())?;
                    if text.starts_with("{\"view\"") {
                        *views += 1;
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return Ok(()),
            }
        }
        if stopping {
            return Ok(());
        }
        // what the seat says
        let Some(msg) = read(ws)? else { continue };
        if window.elapsed() >= Duration::from_secs(1) {
            *window = Instant::now();
            *in_window = 0;
        }
        *in_window += 1;
        let reply = if *in_window > MAX_INPUTS_PER_S {
            ToClient::Refused(format!("more than {MAX_INPUTS_PER_S} messages a second"))
        } else {
            match msg {
                ToServer::Hello { .. } => ToClient::Refused("already in".into()),
                ToServer::Input(input) => {
                    let what = input.describe();
                    let r = lock(&shared.session).submit(seat, input);
                    match r {
                        Ok(tick) => {
                            lock(&shared.notes).push(Note::Input { seat: seat.to_string(), tick, what: what.clone() });
                            ToClient::Accepted { tick, what }
                        }
                        Err(e) => ToClient::Refused(e),
                    }
                }
                ToServer::Time(c) => {
                    let mut s = lock(&shared.session);
                    match s.time(seat, c) {
                        Ok(()) => ToClient::Clock { paused: s.paused, speed: s.speed },
                        Err(e) => ToClient::Refused(e),
                    }
                }
                ToServer::End if role == Role::Control => {
                    shared.end_asked.store(true, Ordering::Relaxed);
                    ToClient::Accepted { tick: lock(&shared.session).sim.tick(), what: "end of the session".into() }
                }
                ToServer::End => ToClient::Refused("only the control ends the session".into()),
            }
        };
        *sent += send(ws, &serde_json::to_string(&reply).unwrap_or_default()).map_err(|_| "the connection broke")?;
    }
}

fn error(why: &str) -> String {
    serde_json::to_string(&ToClient::Error(why.to_string())).unwrap_or_default()
}

fn jets_safe(s: &str) -> String {
    crate::term::printable(&s.chars().take(64).collect::<String>()).into_owned()
}
