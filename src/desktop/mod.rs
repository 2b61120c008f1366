//! The desktop app (feature `desktop`, binary side only): the exercise on a map, from each
//! side's point of view, in real time or far faster, with an after-action timeline.
//!
//! Plugins: `run` (the simulation and its driver: the very same `SimTick` schedule the batch
//! runner uses, advanced by whole ticks from the speed setting; a window being open changes no
//! result; orders during play and their journal), `remote` (a seat of an exercise served by
//! `jets serve`: the same views, filled from the server's), `ui` (egui panels and the map
//! canvas), `orders` (the order form, quick orders, the control's triggers and injects), `map`
//! (the base map from the simulation's own grid), `symbols` (unit symbols). `--screenshot`
//! renders a chosen moment and exits, for the documentation and the tests under Xvfb.
//!
//! Must not: be used by the library (`scenario`, `sim`, `batch` never see it).

pub mod author;
pub(crate) mod launch;
pub mod map;
pub mod orders;
pub mod remote;
pub mod run;
pub mod symbols;
pub mod ui;

use std::path::PathBuf;
use std::sync::Arc;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use bevy::window::WindowResolution;
use bevy_egui::{EguiPlugin, EguiPrimaryContextPass};
use jets::scenario::Loaded;

use run::{Run, RunCommand};
use ui::{View, ViewSide};

/// How to open the app.
pub struct Options {
    pub loaded: Arc<Loaded>,
    pub seed: u64,
    pub side: Option<usize>,
    /// Render this moment to PNG and exit.
    pub screenshot: Option<PathBuf>,
    /// Simulate to this time before showing (seconds).
    pub at_s: u64,
    /// Write the event log up to the moment shown (JSON Lines) on exit.
    pub events: Option<PathBuf>,
    /// Start playing at once.
    pub play: bool,
    /// Frames to run before the screenshot.
    pub frames: u32,
    /// Unit to select at the start (its id).
    pub select: Option<String>,
    /// Show the chain behind this unit's latest casualties (its id).
    pub why: Option<String>,
    /// The scenario file (watched for changes and saved to); `None` for the built-in one.
    pub file: Option<PathBuf>,
    /// Open in the edit mode.
    pub edit: bool,
    /// Show this many kilometres across, centred on the selected unit or place (else the map's
    /// centre).
    pub zoom_km: Option<f64>,
    /// Edit commands to apply, one a frame, before the screenshot (tests, demonstrations).
    pub script: Vec<author::EditCommand>,
    /// Inputs to replay at their ticks (`--journal`).
    pub journal: Vec<jets::sim::input::Entry>,
    /// Write the session's journal here (`--record`).
    pub record: Option<PathBuf>,
    /// A seat's connection, already made (`--connect`): the run it feeds.
    pub remote: Option<Run>,
    /// Orders to give once the app is up, one a frame (`--orders`, for tests and demonstrations).
    pub orders: Vec<(String, jets::sim::input::Input)>,
    /// Show the messages instead of the event log.
    pub messages: bool,
}

/// Screenshot mode.
#[derive(Resource)]
struct Shot {
    path: PathBuf,
    events: Option<PathBuf>,
    frame: u32,
    /// Set by the capture observer: whether the image had content.
    ok: Arc<std::sync::Mutex<Option<bool>>>,
    requested_at: Option<u32>,
    /// Frames to run before the screenshot (by default 30: pipelines compile, the map texture
    /// uploads, egui lays out its panels).
    at_frame: u32,
}

/// Opens the app; returns the process exit code.
pub fn open(mut opts: Options) -> AppExit {
    let run = match opts.remote.take() {
        Some(r) => r,
        None => Run::start_with(
            opts.loaded.clone(),
            run::Start {
                seed: opts.seed,
                at_s: opts.at_s,
                play: opts.play,
                journal: std::mem::take(&mut opts.journal),
                record: opts.record.clone(),
            },
        ),
    };
    // the chain behind --why: in the log the view shows (a side's own)
    let why = run.log_of(opts.side).to_vec();
    let run_units: Vec<(f64, f64)> = run.snapshot.units.iter().map(|u| u.pos).collect();
    let side = opts.side.map_or(ViewSide::Umpire, ViewSide::Side);
    let title = match &run.seat {
        Some((seat, _)) => format!("jets — {} — seat {seat}", opts.loaded.scenario.meta.name),
        None => format!("jets — {} (seed {})", opts.loaded.scenario.meta.name, opts.seed),
    };
    let remote = run.seat.is_some();
    let mut authoring = author::Authoring::new(&opts.loaded, if remote { None } else { opts.file.clone() }, opts.seed);
    authoring.editing = opts.edit;
    authoring.valid = Some(opts.loaded.clone());
    if opts.edit {
        authoring.sel = match &opts.select {
            Some(id) if opts.loaded.places.contains_key(id) => author::Sel::Place(id.clone()),
            Some(id) => author::Sel::Unit(id.clone()),
            None => author::Sel::None,
        };
    }
    if !opts.script.is_empty() {
        authoring.script = opts.script.clone();
        authoring.script_done = Some(false);
    }
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window { title, resolution: WindowResolution::new(1280, 720), ..default() }),
        // closing with unsaved edits asks first (author::close_requested)
        close_when_requested: false,
        ..default()
    }))
    .add_plugins(EguiPlugin::default())
    .add_message::<RunCommand>()
    .add_message::<author::EditCommand>()
    .insert_resource(authoring)
    .insert_resource(ClearColor(Color::srgb(0.24, 0.24, 0.24)))
    .insert_resource(run)
    .insert_resource({
        let mut v = View::new(side);
        v.show_messages = opts.messages;
        v.selected = opts.select.as_ref().and_then(|id| opts.loaded.scenario.units.iter().position(|u| &u.id == id));
        if let Some(km) = opts.zoom_km {
            let t = &opts.loaded.terrain;
            let at = v
                .selected
                .and_then(|k| run_units.get(k).copied())
                .or_else(|| opts.select.as_ref().and_then(|id| opts.loaded.places.get(id).copied()))
                .unwrap_or((t.width_m() / 2.0, t.height_m() / 2.0));
            v.focus = Some((at, km * 1000.0));
        }
        if let Some(id) = &opts.why {
            v.chain_of = why
                .iter()
                .rposition(|e| matches!(&e.kind, jets::sim::events::EventKind::Casualties { unit, .. } if unit == id));
        }
        v
    })
    .add_systems(Startup, |mut commands: Commands| {
        commands.spawn(Camera2d);
    })
    .insert_resource(ScriptedOrders(opts.orders.clone()))
    .add_systems(Update, (author::script, author::commands, author::watch, scripted_orders, run::drive).chain())
    .add_systems(Last, author::close_requested.before(bevy::window::ExitSystems))
    .add_systems(EguiPrimaryContextPass, ui::ui);
    if let Some(path) = opts.screenshot {
        app.insert_resource(Shot {
            path,
            events: opts.events.clone(),
            frame: 0,
            ok: Arc::new(std::sync::Mutex::new(None)),
            requested_at: None,
            at_frame: opts.frames.max(2),
        })
        .add_systems(Update, shoot.after(run::drive));
    } else if let Some(path) = opts.events {
        app.insert_resource(EventsOnExit(path)).add_systems(Last, write_events_on_exit);
    }
    app.run()
}

/// Orders given once the app is up, one a frame (`--orders`).
#[derive(Resource)]
struct ScriptedOrders(Vec<(String, jets::sim::input::Input)>);

fn scripted_orders(mut list: ResMut<ScriptedOrders>, mut cmds: MessageWriter<RunCommand>) {
    if !list.0.is_empty() {
        let (seat, input) = list.0.remove(0);
        cmds.write(RunCommand::Input { seat, input });
    }
}

/// Where to write the events when the window closes.
#[derive(Resource)]
struct EventsOnExit(PathBuf);

fn write_events_on_exit(exit: MessageReader<AppExit>, out: Res<EventsOnExit>, run: Res<Run>) {
    if !exit.is_empty()
        && let Err(e) = jets::fsio::write_atomic(&out.0, jets::sim::events::to_jsonl(&run.events).as_bytes())
    {
        crate::cli::term::err(&format!("error: writing {}: {}\n", out.0.display(), jets::fsio::io_text(&e)));
    }
}

/// Takes the screenshot after the warm-up frames, checks it is not blank, writes the list of
/// what is where on screen beside it (`FILE.png.json`, for the tests) and exits: 0 on success,
/// 3 when the image is blank, 2 when no image arrived.
fn shoot(
    mut commands: Commands,
    mut shot: ResMut<Shot>,
    view: Res<View>,
    run: Res<Run>,
    authoring: Res<author::Authoring>,
    mut exit: MessageWriter<AppExit>,
) {
    if authoring.script_done == Some(false) {
        return; // the edit script runs first
    }
    shot.frame += 1;
    if shot.frame == shot.at_frame {
        let ok = shot.ok.clone();
        commands.spawn(Screenshot::primary_window()).observe(save_to_disk(shot.path.clone())).observe(
            move |ev: On<ScreenshotCaptured>| {
                let blank = match ev.image.clone().try_into_dynamic() {
                    Ok(img) => {
                        let rgb = img.to_rgb8();
                        let mut seen = std::collections::HashSet::new();
                        for p in rgb.pixels() {
                            seen.insert(p.0);
                            if seen.len() > 64 {
                                break;
                            }
                        }
                        seen.len() <= 8
                    }
                    Err(_) => true,
                };
                *ok.lock().unwrap() = Some(!blank);
            },
        );
        shot.requested_at = Some(shot.frame);
        // what is drawn where, as the test reads it: each symbol where it was drawn (its stack's
        // place when it is stacked: then also its own place and the stack's number)
        let name = |k: &ui::Drawn| match k {
            ui::Drawn::Unit(k) => {
                let id = if authoring.editing {
                    authoring.editor.scenario.units.get(*k).map(|u| u.id.clone())
                } else {
                    run.snapshot.units.iter().find(|u| u.index == *k).map(|u| u.id.clone())
                };
                serde_json::json!({ "id": id })
            }
            ui::Drawn::Track(n) => serde_json::json!({ "track": jets::sim::messages::track_name(*n) }),
        };
        let rect = |r: &bevy_egui::egui::Rect| serde_json::json!([r.min.x, r.min.y, r.max.x, r.max.y]);
        let units: Vec<serde_json::Value> = view
            .drawn
            .iter()
            .map(|(k, at, fill)| {
                let mut v = name(k);
                v["x"] = at.x.into();
                v["y"] = at.y.into();
                v["fill"] = serde_json::json!([fill.r(), fill.g(), fill.b()]);
                if let Some((i, own)) = view
                    .stacks
                    .iter()
                    .enumerate()
                    .find_map(|(i, s)| s.members.iter().find(|(d, _)| d == k).map(|(_, own)| (i, *own)))
                {
                    v["stack"] = i.into();
                    v["own"] = serde_json::json!([own.x, own.y]);
                }
                v
            })
            .collect();
        let stacks: Vec<serde_json::Value> = view
            .stacks
            .iter()
            .map(|s| {
                serde_json::json!({
                    "x": s.at.x, "y": s.at.y,
                    "rect": rect(&s.rect),
                    "count": s.members.len(),
                    "members": s.members.iter().map(|(d, _)| name(d)).collect::<Vec<_>>(),
                    "top": name(&s.top),
                    "label": s.label.as_ref().map(|l| l.0.clone()),
                    "label_rect": s.label.as_ref().map(|l| rect(&l.1)),
                })
            })
            .collect();
        let r = view.map_rect;
        let meta = serde_json::json!({
            "t": run.t(),
            "side": format!("{:?}", view.side),
            "map_rect": [r.min.x, r.min.y, r.max.x, r.max.y],
            "units": units,
            "stacks": stacks,
            // the order-of-battle tree the view shows (its tab, open or not)
            "oob": ui::oob_rows(&run.snapshot, &run.theatre, match view.side {
                ui::ViewSide::Umpire => None,
                ui::ViewSide::Side(s) => Some(s),
            })
            .into_iter()
            .map(|r| r.text)
            .collect::<Vec<_>>(),
            "editing": authoring.editing,
            "status": authoring.status,
            "problems": authoring.rows.iter().map(|r| r.text.clone()).collect::<Vec<_>>(),
            "edits_unsaved": authoring.editor.changes(),
            "centre": [view.centre.0, view.centre.1],
            "scale": view.scale,
            // every line of text the panels, the log and the tooltip showed
            "texts": view.texts,
            "run_status": run.status,
            "inputs": run.inputs,
            "seat": run.seat.as_ref().map(|s| s.0.clone()),
            // the strength chart: from when, how many samples, the latest by side, the first by
            // contingent
            "history": {
                "from": run.history.first().map(|s| s.t),
                "samples": run.history.len(),
                "last_sides": run.history.last().map(|s| s.sides.clone()),
                "first_contingents": run.history.first().map(|s| s.contingents.clone()),
            },
        });
        let mut p = shot.path.clone().into_os_string();
        p.push(".json");
        let _ = jets::fsio::write_atomic(
            &PathBuf::from(p),
            serde_json::to_string_pretty(&meta).unwrap_or_default().as_bytes(),
        );
        if let Some(ev) = &shot.events
            && let Err(e) = jets::fsio::write_atomic(ev, jets::sim::events::to_jsonl(&run.events).as_bytes())
        {
            crate::cli::term::err(&format!("error: writing {}: {}\n", ev.display(), jets::fsio::io_text(&e)));
        }
    }
    let result = *shot.ok.lock().unwrap();
    if result.is_some()
        && shot.requested_at.is_some_and(|r| shot.frame == r + 10)
        && run.frames_played > 0
        && run.seat.is_none()
    {
        // the in-app measure of the simulation's share of a frame (BENCHMARKS.md); a seat runs
        // no simulation, so it has none
        eprintln!(
            "simulation per frame: mean {:.3} ms, max {:.3} ms over {} frames at {:.0}x (achieved {:.0}x); \
             longest slice of ticks on the simulation thread {:.1} ms",
            run.sim_ms_sum / run.frames_played as f64,
            run.sim_ms_max,
            run.frames_played,
            run.speed,
            run.achieved,
            run.tick_ms_max
        );
    }
    match result {
        // give save_to_disk a few frames to finish writing
        Some(true) if shot.requested_at.is_some_and(|r| shot.frame >= r + 10) => {
            exit.write(AppExit::Success);
        }
        Some(false) => {
            exit.write(AppExit::from_code(3));
        }
        None if shot.frame >= shot.at_frame + 600 => {
            exit.write(AppExit::from_code(2));
        }
        _ => {}
    }
}

/// Whether a display answers: a Wayland compositor at `$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY`, or
/// an X server at `$DISPLAY` (its Unix socket `/tmp/.X11-unix/XN`, or TCP port 6000 + N on a
/// named host). A variable that is set but leads nowhere is not a display: the reason says
/// which, so that `jets` can run headless instead of failing inside the windowing library.
pub fn display_status() -> Result<(), String> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let (wayland, x11) = (var("WAYLAND_DISPLAY"), var("DISPLAY"));
    if wayland.is_none() && x11.is_none() {
        return Err("DISPLAY and WAYLAND_DISPLAY are unset".into());
    }
    let mut why = Vec::new();
    if let Some(w) = &wayland {
        let path = if w.starts_with('/') {
            PathBuf::from(w)
        } else {
            PathBuf::from(var("XDG_RUNTIME_DIR").unwrap_or_default()).join(w)
        };
        if connects_unix(&path) {
            return Ok(());
        }
        why.push(format!("WAYLAND_DISPLAY={w} is set but no compositor answers at {}", path.display()));
    }
    if let Some(d) = &x11 {
        if x_server_answers(d) {
            return Ok(());
        }
        why.push(format!("DISPLAY={d} is set but no X server answers there"));
    }
    Err(why.join("; "))
}

fn connects_unix(path: &std::path::Path) -> bool {
    #[cfg(unix)]
    {
        std::os::unix::net::UnixStream::connect(path).is_ok()
    }
    #[cfg(not(unix))]
    {
        path.exists()
    }
}

/// Whether an X server answers at a `DISPLAY` value (`[host]:N[.S]`, or a socket path).
fn x_server_answers(display: &str) -> bool {
    if display.starts_with('/') {
        return connects_unix(std::path::Path::new(display.split(':').next().unwrap_or(display)));
    }
    let Some((host, rest)) = display.rsplit_once(':') else { return false };
    let Ok(n) = rest.split('.').next().unwrap_or("").parse::<u16>() else { return false };
    let host = host.rsplit('/').next().unwrap_or(host);
    if host.is_empty() || host == "unix" {
        let path = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
        #[cfg(target_os = "linux")]
        {
            use std::os::linux::net::SocketAddrExt;
            if let Ok(addr) = std::os::unix::net::SocketAddr::from_abstract_name(path.to_string_lossy().as_bytes())
                && std::os::unix::net::UnixStream::connect_addr(&addr).is_ok()
            {
                return true;
            }
        }
        return connects_unix(&path);
    }
    use std::net::ToSocketAddrs;
    let Ok(addrs) = (host, 6000u16.saturating_add(n)).to_socket_addrs() else { return false };
    addrs.into_iter().any(|a| std::net::TcpStream::connect_timeout(&a, std::time::Duration::from_secs(2)).is_ok())
}
