//! The scenario file format, as plain data: the RON schema types, the geographic frame that
//! turns latitude and longitude into the local grid, and the duration strings.
//!
//! The bottom layer: `terrain` builds its grid from these types, `scenario` loads and
//! validates files into them, and everything above reads them.
//!
//! Must not: depend on any other module of the crate, read files, or hold runtime state.

pub mod duration;
pub mod geo;
pub mod schema;
