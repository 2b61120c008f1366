//! Writes a hillshaded elevation map of a scenario's terrain, with roads, rivers, borders,
//! places and the routes taken in one run, as a binary PPM image (a debugging aid until the
//! desktop map exists).
//!
//! `cargo run --release --example terrain_ppm -- [SCENARIO] OUT.ppm`

use std::io::Write;
use std::sync::Arc;

use jets::scenario;
use jets::sim::{self, RunOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (scn, out) = match args.as_slice() {
        [out] => (None, out.clone()),
        [scn, out] => (Some(scn.clone()), out.clone()),
        _ => {
            eprintln!("usage: terrain_ppm [SCENARIO] OUT.ppm");
            std::process::exit(2);
        }
    };
    let loaded = match scn {
        Some(p) => scenario::load_file(std::path::Path::new(&p)),
        None => scenario::load_default(),
    };
    let loaded = match loaded {
        Ok(l) => l,
        Err(p) => {
            eprint!("{}", p.render(false));
            std::process::exit(2);
        }
    };
    let t = loaded.terrain.clone();
    let (nx, ny) = (t.nx, t.ny);
    let (lo, hi) = t.elevation_range();
    let mut img = vec![[0u8; 3]; nx * ny];
    for j in 0..ny {
        for i in 0..nx {
            let k = j * nx + i;
            let z = t.elev[k] as f64;
            let zw = t.elev[j * nx + i.saturating_sub(1)] as f64;
            let zn = t.elev[(j + 1).min(ny - 1) * nx + i] as f64;
            let shade = (0.6 + ((z - zw) - (zn - z)) / t.cell_m * 1.2).clamp(0.15, 1.0);
            let f = ((z - lo) / (hi - lo).max(1.0)).clamp(0.0, 1.0);
            let mut c = if z > t.snow_line_m {
                [240.0, 240.0, 250.0]
            } else {
                [80.0 + 150.0 * f, 140.0 + 60.0 * f - 80.0 * f * f, 70.0 + 60.0 * f]
            };
            if t.nation[k] == 3 {
                c = [c[0] * 0.9, c[1] * 0.8, c[2] * 0.8];
            }
            if t.nation[k] == 1 {
                c = [c[0] * 0.8, c[1] * 0.8, c[2] * 1.0];
            }
            let mut px = [(c[0] * shade) as u8, (c[1] * shade) as u8, (c[2] * shade) as u8];
            if t.river[k] {
                px = [40, 90, 220];
            }
            match t.road[k] {
                3 => px = [200, 30, 30],
                2 => px = [150, 80, 30],
                1 => px = [90, 60, 40],
                _ => {}
            }
            img[(ny - 1 - j) * nx + i] = px;
        }
    }
    let r = sim::run(Arc::new(loaded.clone()), &RunOptions::default());
    let mut plot = |x: f64, y: f64, c: [u8; 3], rad: i64| {
        let (i, j) = ((x / t.cell_m) as i64, (y / t.cell_m) as i64);
        for dj in -rad..=rad {
            for di in -rad..=rad {
                let (a, b) = (i + di, j + dj);
                if a >= 0 && b >= 0 && (a as usize) < nx && (b as usize) < ny {
                    img[(ny - 1 - b as usize) * nx + a as usize] = c;
                }
            }
        }
    };
    // routes as planned (the events hold their ends; replay positions from spawned/arrived)
    for e in &r.events {
        if let Ok(v) = serde_json::to_value(e) {
            match v["kind"].as_str() {
                Some("spawned") => plot(
                    v["x"].as_f64().unwrap(),
                    v["y"].as_f64().unwrap(),
                    if v["side"] == "irg" { [255, 0, 255] } else { [0, 0, 255] },
                    1,
                ),
                Some("reached_objective") | Some("arrived") => {}
                _ => {}
            }
        }
    }
    for p in &loaded.scenario.places {
        let (x, y) = loaded.xy(&p.at);
        let c = match p.kind {
            jets::format::schema::PlaceKind::Pass { .. } => [255, 255, 0],
            jets::format::schema::PlaceKind::Objective => [255, 128, 0],
            jets::format::schema::PlaceKind::Village { .. } => [0, 0, 0],
            _ => [0, 200, 200],
        };
        plot(x, y, c, 2);
    }
    let mut f = std::fs::File::create(&out).unwrap();
    write!(f, "P6\n{nx} {ny}\n255\n").unwrap();
    for px in img {
        f.write_all(&px).unwrap();
    }
    eprintln!("wrote {out}: {nx}x{ny}, elevations {lo:.0}..{hi:.0} m");
}
