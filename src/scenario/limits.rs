//! The numeric ranges of scenario fields that the editor's forms offer too, written once: the
//! validator checks them and the forms bound their inputs by them, so the two cannot drift.
//! Ranges only the validator needs stay beside their check in `validate`.
//!
//! Must not: hold anything but constants.

use std::ops::RangeInclusive;

/// `meta.tick_s`, seconds.
pub const TICK_S: RangeInclusive<u32> = 1..=600;
/// The largest `strength.max` of a unit type (a unit's own strength is within its type's
/// `StrengthLimits::range`).
pub const TYPE_STRENGTH_MAX: u32 = 100_000;
/// The radius of a trigger's `Contact` condition, metres.
pub const CONTACT_RADIUS_M: RangeInclusive<f64> = 1.0..=100_000.0;
/// The number of people in a hostage group (and what a form offers for `HostagesTaken`).
pub const HOSTAGE_COUNT: RangeInclusive<u32> = 1..=10_000;
/// The radius of an `Attack` or a `FireSupport` zone, metres.
pub const TASK_RADIUS_M: RangeInclusive<f64> = 100.0..=50_000.0;
/// A place's radius, metres.
pub const PLACE_RADIUS_M: RangeInclusive<f64> = 10.0..=50_000.0;
/// The most inhabitants a village may have.
pub const MAX_POPULATION: u32 = 50_000_000;
/// Elevations: a pass, the snow line, where passes close, where mud begins; metres.
pub const ELEVATION_M: RangeInclusive<f64> = -500.0..=9000.0;
/// `environment.visibility_m`.
pub const VISIBILITY_M: RangeInclusive<f64> = 10.0..=200_000.0;
/// `environment.cloud_base_m`.
pub const CLOUD_BASE_M: RangeInclusive<f64> = -500.0..=20_000.0;
/// Report delays (to a contingent's headquarters, to the joint headquarters), minutes.
pub const REPORT_DELAY_MIN: RangeInclusive<f64> = 0.0..=1440.0;
/// Order and liaison delays, and a contingent's readiness, minutes.
pub const ORDER_DELAY_MIN: RangeInclusive<f64> = 0.0..=10_080.0;
/// How long a side keeps a contact it no longer sees, minutes.
pub const CONTACT_TIMEOUT_MIN: RangeInclusive<f64> = 1.0..=10_080.0;
