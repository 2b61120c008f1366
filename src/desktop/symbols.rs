//! Unit symbols in the manner of APP-6 / MIL-STD-2525, drawn by the app with egui's painter in
//! screen space (the same size at every zoom): the frame by affiliation (friendly rectangle in
//! blue, hostile diamond in red, unknown quatrefoil-like circle in yellow), the icon by
//! category, the echelon mark above, a band in the contingent's colour below, the strength
//! beside it, and the state (broken: a slash; surrendered or out: greyed and crossed).
//!
//! Owns: symbol geometry and colours. Must not: read the simulation (it is given a `Symbol`).

use bevy_egui::egui::{self, Color32, Pos2, Stroke, Vec2};
use jets::format::schema::{Category, Echelon};

/// Affiliation as the viewer sees it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Affiliation {
    /// Own side (or the defender, for the umpire).
    Friendly,
    /// Enemy, identified as such.
    Hostile,
    /// A contact whose kind is not yet identified.
    Unknown,
}

/// The state a symbol shows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum State {
    /// In the fight.
    Fighting,
    /// Falling back.
    Withdrawing,
    /// Broken.
    Broken,
    /// Surrendered or out of play.
    Out,
}

/// What to draw.
pub struct Symbol {
    /// Frame.
    pub affiliation: Affiliation,
    /// Icon (none for an unidentified contact).
    pub category: Option<Category>,
    /// Echelon mark.
    pub echelon: Option<Echelon>,
    /// Colour band (the contingent).
    pub band: Option<Color32>,
    /// Strength label.
    pub strength: Option<String>,
    /// State.
    pub state: State,
    /// Drawn highlighted (selected).
    pub selected: bool,
    /// Opacity, 0..1 (old contacts fade).
    pub alpha: f32,
}

/// Half the frame's width and height in points.
pub const HALF: Vec2 = Vec2::new(14.0, 10.0);

/// Frame fill colours (APP-6 light tones).
pub fn fill(a: Affiliation) -> Color32 {
    match a {
        Affiliation::Friendly => Color32::from_rgb(128, 224, 255),
        Affiliation::Hostile => Color32::from_rgb(255, 128, 128),
        Affiliation::Unknown => Color32::from_rgb(255, 255, 128),
    }
}

/// A distinct colour per contingent (by index).
pub fn contingent_colour(k: usize) -> Color32 {
    const C: [Color32; 8] = [
        Color32::from_rgb(200, 30, 45),  // red
        Color32::from_rgb(0, 150, 200),  // sky blue
        Color32::from_rgb(255, 190, 0),  // gold
        Color32::from_rgb(30, 120, 40),  // green
        Color32::from_rgb(120, 60, 170), // purple
        Color32::from_rgb(40, 40, 40),   // black
        Color32::from_rgb(230, 110, 20), // orange
        Color32::from_rgb(120, 120, 120),
    ];
    C[k % C.len()]
}

fn with_alpha(c: Color32, a: f32) -> Color32 {
    Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), (c.a() as f32 * a.clamp(0.0, 1.0)) as u8)
}

/// Draws a symbol centred at `at`; returns the screen rectangle it occupies (for picking).
pub fn draw(p: &egui::Painter, at: Pos2, s: &Symbol) -> egui::Rect {
    let a = s.alpha;
    let out = s.state == State::Out;
    let base_fill = if out { Color32::from_gray(190) } else { fill(s.affiliation) };
    let f = with_alpha(base_fill, a);
    let ink = with_alpha(if out { Color32::from_gray(90) } else { Color32::BLACK }, a);
    let stroke = Stroke::new(if s.selected { 2.5 } else { 1.2 }, ink);
    let (hx, hy) = (HALF.x, HALF.y);
    let rect = egui::Rect::from_center_size(at, HALF * 2.0);
    // frame
    let icon_half = match s.affiliation {
        Affiliation::Friendly => {
            p.rect_filled(rect, 0.0, f);
            p.rect_stroke(rect, 0.0, stroke, egui::StrokeKind::Middle);
            Vec2::new(hx, hy)
        }
        Affiliation::Hostile => {
            let d = hy * 1.5;
            let pts =
                vec![at + Vec2::new(0.0, -d), at + Vec2::new(d, 0.0), at + Vec2::new(0.0, d), at + Vec2::new(-d, 0.0)];
            p.add(egui::Shape::convex_polygon(pts, f, stroke));
            Vec2::new(d * 0.55, d * 0.55)
        }
        Affiliation::Unknown => {
            let r = hy * 1.2;
            for (dx, dy) in [(-0.45, -0.45), (0.45, -0.45), (-0.45, 0.45), (0.45, 0.45)] {
                p.circle_filled(at + Vec2::new(dx * r, dy * r), r * 0.7, f);
            }
            for (dx, dy) in [(-0.45, -0.45), (0.45, -0.45), (-0.45, 0.45), (0.45, 0.45)] {
                p.circle_stroke(at + Vec2::new(dx * r, dy * r), r * 0.7, stroke);
            }
            for (dx, dy) in [(-0.45, -0.45), (0.45, -0.45), (-0.45, 0.45), (0.45, 0.45)] {
                p.circle_filled(at + Vec2::new(dx * r, dy * r), r * 0.7 - 1.2, f);
            }
            Vec2::new(r * 0.6, r * 0.6)
        }
    };
    // icon
    let icon = Stroke::new(1.2, ink);
    let (ix, iy) = (icon_half.x, icon_half.y);
    let cross = |p: &egui::Painter| {
        p.line_segment([at + Vec2::new(-ix, -iy), at + Vec2::new(ix, iy)], icon);
        p.line_segment([at + Vec2::new(-ix, iy), at + Vec2::new(ix, -iy)], icon);
    };
    match s.category {
        None => {
            p.text(at, egui::Align2::CENTER_CENTER, "?", egui::FontId::proportional(12.0), ink);
        }
        Some(Category::Infantry) => cross(p),
        Some(Category::MountainInfantry) => {
            cross(p);
            let b = at.y + iy;
            p.add(egui::Shape::convex_polygon(
                vec![Pos2::new(at.x - 4.0, b), Pos2::new(at.x, b - 5.0), Pos2::new(at.x + 4.0, b)],
                ink,
                Stroke::NONE,
            ));
        }
        Some(Category::SpecialForces) => {
            p.text(at, egui::Align2::CENTER_CENTER, "SF", egui::FontId::proportional(10.0), ink);
        }
        Some(Category::Motorised) => {
            cross(p);
            p.line_segment([at + Vec2::new(0.0, -iy), at + Vec2::new(0.0, iy)], icon);
        }
        Some(Category::Mechanised) => {
            cross(p);
            p.add(egui::Shape::ellipse_stroke(at, Vec2::new(ix * 0.7, iy * 0.45), icon));
        }
        Some(Category::Artillery) | Some(Category::RocketArtillery) => {
            p.circle_filled(at, 3.0, ink);
            if s.category == Some(Category::RocketArtillery) {
                p.line_segment([at + Vec2::new(-ix * 0.6, iy * 0.6), at + Vec2::new(ix * 0.6, -iy * 0.6)], icon);
            }
        }
        Some(Category::Mortar) => {
            p.circle_stroke(at + Vec2::new(0.0, 3.0), 2.5, icon);
            p.line_segment([at + Vec2::new(0.0, 0.5), at + Vec2::new(0.0, -iy * 0.9)], icon);
            p.line_segment([at + Vec2::new(-3.0, -iy * 0.5), at + Vec2::new(0.0, -iy * 0.9)], icon);
            p.line_segment([at + Vec2::new(3.0, -iy * 0.5), at + Vec2::new(0.0, -iy * 0.9)], icon);
        }
        Some(Category::RotaryWing) => {
            // the bow-tie of rotary wing
            let w = ix * 0.8;
            let hgt = iy * 0.6;
            p.add(egui::Shape::convex_polygon(
                vec![at, at + Vec2::new(-w, -hgt), at + Vec2::new(-w, hgt)],
                Color32::TRANSPARENT,
                icon,
            ));
            p.add(egui::Shape::convex_polygon(
                vec![at, at + Vec2::new(w, -hgt), at + Vec2::new(w, hgt)],
                Color32::TRANSPARENT,
                icon,
            ));
        }
        Some(Category::FixedWing) => {
            p.add(egui::Shape::ellipse_stroke(at + Vec2::new(-ix * 0.4, 0.0), Vec2::new(ix * 0.4, iy * 0.35), icon));
            p.add(egui::Shape::ellipse_stroke(at + Vec2::new(ix * 0.4, 0.0), Vec2::new(ix * 0.4, iy * 0.35), icon));
        }
        Some(Category::Headquarters) => {
            p.text(at, egui::Align2::CENTER_CENTER, "HQ", egui::FontId::proportional(10.0), ink);
            // the staff from the frame's lower left corner
            let c = at + Vec2::new(-hx, hy);
            p.line_segment([c, c + Vec2::new(0.0, 12.0)], Stroke::new(1.5, ink));
        }
        Some(Category::BorderGuard) => {
            cross(p);
            p.text(
                at + Vec2::new(0.0, iy - 2.0),
                egui::Align2::CENTER_BOTTOM,
                "BG",
                egui::FontId::proportional(7.0),
                ink,
            );
        }
        Some(Category::Irregular) => {
            cross(p);
            p.text(at + Vec2::new(ix + 6.0, -iy), egui::Align2::LEFT_TOP, "G", egui::FontId::proportional(8.0), ink);
        }
    }
    // echelon mark above the frame
    let top =
        at.y - match s.affiliation {
            Affiliation::Friendly => hy,
            Affiliation::Hostile => hy * 1.5,
            Affiliation::Unknown => hy * 1.35,
        } - 4.0;
    if let Some(e) = s.echelon {
        let dots = |n: usize| {
            for k in 0..n {
                let x = at.x + (k as f32 - (n as f32 - 1.0) / 2.0) * 5.0;
                p.circle_filled(Pos2::new(x, top), 1.8, ink);
            }
        };
        let bars = |n: usize| {
            for k in 0..n {
                let x = at.x + (k as f32 - (n as f32 - 1.0) / 2.0) * 4.0;
                p.line_segment([Pos2::new(x, top - 3.5), Pos2::new(x, top + 3.0)], Stroke::new(1.4, ink));
            }
        };
        match e {
            Echelon::Team => {
                p.circle_stroke(Pos2::new(at.x, top), 2.2, Stroke::new(1.0, ink));
                p.line_segment(
                    [Pos2::new(at.x - 3.0, top + 3.0), Pos2::new(at.x + 3.0, top - 3.0)],
                    Stroke::new(1.0, ink),
                );
            }
            Echelon::Squad => dots(1),
            Echelon::Section => dots(2),
            Echelon::Platoon | Echelon::Flight => dots(3),
            Echelon::Company | Echelon::Battery | Echelon::Squadron | Echelon::Band => bars(1),
            Echelon::Battalion => bars(2),
        }
    }
    // contingent colour band below the frame
    if let Some(band) = s.band {
        let r = egui::Rect::from_min_size(Pos2::new(at.x - hx, at.y + hy + 2.0), Vec2::new(2.0 * hx, 3.0));
        p.rect_filled(r, 0.0, with_alpha(band, a));
    }
    if let Some(n) = &s.strength {
        p.text(
            Pos2::new(at.x + hx + 3.0, at.y + 2.0),
            egui::Align2::LEFT_CENTER,
            n,
            egui::FontId::proportional(11.0),
            with_alpha(Color32::from_rgb(20, 20, 20), a),
        );
    }
    // state
    match s.state {
        State::Broken => {
            p.line_segment(
                [at + Vec2::new(-hx - 3.0, hy + 3.0), at + Vec2::new(hx + 3.0, -hy - 3.0)],
                Stroke::new(2.5, with_alpha(Color32::from_rgb(200, 0, 0), a)),
            );
        }
        State::Withdrawing => {
            // an arrow back: the unit is falling back
            let y = at.y + hy + 9.0;
            p.arrow(Pos2::new(at.x + 8.0, y), Vec2::new(-16.0, 0.0), Stroke::new(1.5, ink));
        }
        State::Out => {
            p.line_segment([at + Vec2::new(-hx, -hy), at + Vec2::new(hx, hy)], Stroke::new(1.5, ink));
            p.line_segment([at + Vec2::new(-hx, hy), at + Vec2::new(hx, -hy)], Stroke::new(1.5, ink));
        }
        State::Fighting => {}
    }
    if s.selected {
        p.rect_stroke(
            rect.expand(6.0),
            3.0,
            Stroke::new(2.0, Color32::from_rgb(255, 140, 0)),
            egui::StrokeKind::Outside,
        );
    }
    rect.expand(4.0)
}
