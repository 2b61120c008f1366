//! jets: a joint-exercise tactical simulator on a deterministic, headless Bevy ECS core.
//!
//! Layers, bottom up (see ARCHITECTURE.md):
//! - [`scenario`]: the RON format (plain data), loading and validation with located errors;
//! - [`terrain`]: the elevation grid, the movement cost model and the route planner;
//! - [`sim`]: the Bevy plugins that advance a run tick by tick, its events and measures;
//! - [`batch`]: replications and experimental designs, streamed output, statistics, shards;
//! - [`exercise`]: seats that play a run while it goes, the order journal, the seat filter,
//!   the server and client of networked seats.
//!
//! The library never prints, never touches rendering or windowing, and never reads the wall
//! clock inside the simulation. The binary (`src/main.rs`) owns the command line, stdout,
//! stderr and exit codes.

pub mod batch;
pub mod exercise;
pub mod format;
pub mod fsio;
pub mod scenario;
pub mod sim;
pub mod term;
pub mod terrain;

/// The version written into summaries and manifests.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
