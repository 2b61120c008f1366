//! The sim clock: fixed ticks of `tick_s` seconds from the scenario's start, the sun's
//! elevation at the map centre and the light phase it sets. The only source of time in the
//! simulation; nothing reads the wall clock.

use bevy::prelude::*;

use super::events::{EventKind, EventLog, r2};
use super::sun::{Light, elevation_deg};

/// Simulated time.
#[derive(Resource, Debug, Clone)]
pub struct Clock {
    /// Ticks run so far.
    pub tick: u64,
    /// Seconds per tick.
    pub tick_s: u32,
    /// Sim seconds since the start (`tick * tick_s`).
    pub t: u64,
    /// Start of the run, seconds since the Unix epoch (UTC).
    pub start_utc_s: i64,
    /// UTC offset of the scenario's local time, seconds.
    pub utc_offset_s: i32,
    /// Latitude and longitude used for the sun (the map centre), degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Sun elevation now, degrees.
    pub sun_deg: f64,
    /// Light phase now.
    pub light: Light,
}

impl Clock {
    /// A clock at the start of a run.
    pub fn new(tick_s: u32, start_utc_s: i64, utc_offset_s: i32, lat: f64, lon: f64) -> Clock {
        let sun_deg = elevation_deg(start_utc_s as f64, lat, lon);
        Clock {
            tick: 0,
            tick_s,
            t: 0,
            start_utc_s,
            utc_offset_s,
            lat,
            lon,
            sun_deg,
            light: Light::from_elevation(sun_deg),
        }
    }

    /// Advances one tick and updates the sun. Returns the new light phase if it changed.
    pub fn advance(&mut self) -> Option<Light> {
        self.tick += 1;
        self.t = self.tick * self.tick_s as u64;
        self.sun_deg = elevation_deg((self.start_utc_s + self.t as i64) as f64, self.lat, self.lon);
        let light = Light::from_elevation(self.sun_deg);
        (light != self.light).then(|| {
            self.light = light;
            light
        })
    }

    /// The first sim time at or after `from` (on a tick) when it is day, searching a day ahead
    /// in five-minute steps; `None` in a polar night.
    pub fn next_daylight(&self, from: u64) -> Option<u64> {
        let tick = self.tick_s as u64;
        let mut t = from.div_ceil(tick) * tick;
        let end = from + 86_400;
        while t <= end {
            if Light::from_elevation(elevation_deg((self.start_utc_s + t as i64) as f64, self.lat, self.lon))
                == Light::Day
            {
                return Some(t);
            }
            t += 300 / tick.clamp(1, 300) * tick;
        }
        None
    }
}

pub(super) fn advance_clock(mut clock: ResMut<Clock>, mut log: ResMut<EventLog>) {
    if let Some(light) = clock.advance() {
        let t = clock.t;
        log.push(t, EventKind::Light { phase: light, sun_elevation_deg: r2(clock.sun_deg) });
    }
}
