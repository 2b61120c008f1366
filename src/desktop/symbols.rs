//! Unit symbols in the manner of APP-6 / MIL-STD-2525, drawn by the app with egui's painter in
//! screen space (the same size at every zoom): the frame by affiliation (friendly rectangle in
//! blue, hostile diamond in red, unknown quatrefoil-like circle in yellow), the icon by
//! category, the echelon mark above, a band in the contingent's colour below, the strength
//! beside it (or in the map's label), and the state (broken: a slash; surrendered or out:
//! greyed and crossed). Symbols that would overlap are drawn as a stack with a count
//! (`stacks`, `draw_stack`), and labels are placed so that they touch no symbol and no other
//! label (`place_labels`); both are pure functions of screen positions, tested here.
//!
//! Owns: symbol geometry and colours, stacking, label placement. Must not: read the
//! simulation (it is given a `Symbol` and screen positions).

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

/// Draws the frame of an affiliation centred at `at`; returns the half size of the icon's box.
fn frame(p: &egui::Painter, at: Pos2, aff: Affiliation, f: Color32, stroke: Stroke) -> Vec2 {
    let (hx, hy) = (HALF.x, HALF.y);
    match aff {
        Affiliation::Friendly => {
            let rect = egui::Rect::from_center_size(at, HALF * 2.0);
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
    }
}

/// What a symbol covers on screen, its frame with the echelon mark above and the band (or a
/// withdrawal arrow) below, whatever its affiliation: what must not touch another symbol.
pub const FOOTPRINT: Vec2 = Vec2::new(32.0, 44.0);
/// The footprint's centre below the symbol's centre (the echelon mark rises higher above the
/// frame than the band hangs below it).
const FOOT_DY: f32 = -2.0;
/// How far each outline behind the top symbol of a stack is offset (up and to the right), and
/// how many are drawn at most.
pub const STACK_STEP: Vec2 = Vec2::new(4.0, -4.0);
const STACK_OUTLINES: usize = 2;

/// The screen rectangle a symbol at `at` covers, or a stack of `n` symbols there (its offset
/// outlines and its count badge).
pub fn footprint(at: Pos2, n: usize) -> egui::Rect {
    let r = egui::Rect::from_center_size(at + Vec2::new(0.0, FOOT_DY), FOOTPRINT);
    if n > 1 {
        let k = (n - 1).min(STACK_OUTLINES) as f32;
        // the badge sits on the upper right corner of the last outline
        r.union(r.translate(STACK_STEP * k)).union(egui::Rect::from_center_size(badge_at(at, n), Vec2::splat(16.0)))
    } else {
        r
    }
}

fn badge_at(at: Pos2, n: usize) -> Pos2 {
    let k = (n - 1).min(STACK_OUTLINES) as f32;
    at + STACK_STEP * k + Vec2::new(HALF.x + 2.0, -HALF.y - 2.0)
}

/// Symbols drawn as one: where they would overlap at the current zoom.
#[derive(Clone, Debug, PartialEq)]
pub struct Stack {
    /// The group its members share (symbols of different groups never stack).
    pub group: u8,
    /// Where it is drawn: the mean of its members' positions.
    pub at: Pos2,
    /// Its members (indices into the list given to [`stacks`]), in that list's order.
    pub members: Vec<usize>,
}

/// Groups symbols at screen positions into stacks so that no two stacks of a group overlap:
/// each symbol, in the order given, joins the first stack of its group whose footprint its
/// own would touch, else starts one; then stacks that still touch (a stack's centre moves as
/// it grows) merge, the later into the earlier, until none do. The result depends only on the
/// list (its order included), never on hashing or timing: the same picture gives the same
/// stacks. `items` are (group, position).
pub fn stacks(items: &[(u8, Pos2)]) -> Vec<Stack> {
    let touch = |a: &Stack, b: &Stack| {
        a.group == b.group && footprint(a.at, a.members.len()).intersects(footprint(b.at, b.members.len()))
    };
    let centre = |m: &[usize]| {
        let s = m.iter().fold(Vec2::ZERO, |s, &k| s + items[k].1.to_vec2());
        (s / m.len() as f32).to_pos2()
    };
    let mut out: Vec<Stack> = Vec::new();
    for (k, &(group, at)) in items.iter().enumerate() {
        let one = Stack { group, at, members: vec![k] };
        match out.iter_mut().find(|s| touch(s, &one)) {
            Some(s) => {
                s.members.push(k);
                s.at = centre(&s.members);
            }
            None => out.push(one),
        }
    }
    // merge until no two stacks of a group touch (each merge removes one: this ends)
    'again: loop {
        for i in 0..out.len() {
            for j in i + 1..out.len() {
                if touch(&out[i], &out[j]) {
                    let b = out.remove(j);
                    out[i].members.extend(b.members);
                    out[i].members.sort_unstable();
                    out[i].at = centre(&out[i].members);
                    continue 'again;
                }
            }
        }
        break;
    }
    out
}

/// Draws a stack of `n` symbols at `at`: outlines of the top symbol's frame behind it, the top
/// symbol, and a badge with the count. Returns its footprint (for picking).
pub fn draw_stack(p: &egui::Painter, at: Pos2, top: &Symbol, n: usize) -> egui::Rect {
    if n <= 1 {
        draw(p, at, top);
        return footprint(at, 1);
    }
    let f = with_alpha(fill(top.affiliation), top.alpha * 0.9);
    let ink = with_alpha(Color32::BLACK, top.alpha);
    for k in (1..=(n - 1).min(STACK_OUTLINES)).rev() {
        frame(p, at + STACK_STEP * k as f32, top.affiliation, f, Stroke::new(1.0, ink));
    }
    draw(p, at, top);
    let b = badge_at(at, n);
    p.circle_filled(b, 7.5, Color32::from_rgb(30, 30, 30));
    p.circle_stroke(b, 7.5, Stroke::new(1.0, Color32::WHITE));
    p.text(b, egui::Align2::CENTER_CENTER, n.to_string(), egui::FontId::proportional(10.0), Color32::WHITE);
    footprint(at, n)
}

/// Places labels beside their symbols so that no two overlap and none covers a symbol:
/// greedily, the ones that must be shown first (the selection), then the others in the order
/// given, each at the first of a few positions around its symbol (right, left, below, above,
/// then the corners) that is free and inside `bounds`. A label with no free position is
/// dropped (`None`), unless it must be shown: then it takes its first position inside the
/// bounds regardless. `labels` are (the symbol's footprint, the label's size, must show);
/// `obstacles` are the symbols' footprints and anything else to keep clear of.
pub fn place_labels(
    obstacles: &[egui::Rect],
    labels: &[(egui::Rect, Vec2, bool)],
    bounds: egui::Rect,
) -> Vec<Option<egui::Rect>> {
    let mut out: Vec<Option<egui::Rect>> = vec![None; labels.len()];
    let mut placed: Vec<egui::Rect> = Vec::new();
    let order: Vec<usize> =
        (0..labels.len()).filter(|&k| labels[k].2).chain((0..labels.len()).filter(|&k| !labels[k].2)).collect();
    for k in order {
        let (sym, size, must) = labels[k];
        let gap = 2.0;
        let (w, h) = (size.x, size.y);
        let c = sym.center();
        let candidates = [
            Pos2::new(sym.right() + gap, c.y - h / 2.0),
            Pos2::new(sym.left() - gap - w, c.y - h / 2.0),
            Pos2::new(c.x - w / 2.0, sym.bottom() + gap),
            Pos2::new(c.x - w / 2.0, sym.top() - gap - h),
            Pos2::new(sym.right() + gap, sym.top() - h / 2.0),
            Pos2::new(sym.right() + gap, sym.bottom() - h / 2.0),
            Pos2::new(sym.left() - gap - w, sym.top() - h / 2.0),
            Pos2::new(sym.left() - gap - w, sym.bottom() - h / 2.0),
        ]
        .map(|m| egui::Rect::from_min_size(m, size));
        let inside = |r: &egui::Rect| bounds.contains_rect(*r);
        let free = |r: &egui::Rect| {
            inside(r) && !placed.iter().any(|q| q.intersects(*r)) && !obstacles.iter().any(|q| q.intersects(*r))
        };
        let pick = candidates.iter().find(|r| free(r)).copied().or_else(|| {
            if must { candidates.iter().find(|r| inside(r)).copied().or(Some(candidates[0])) } else { None }
        });
        if let Some(r) = pick {
            placed.push(r);
        }
        out[k] = pick;
    }
    out
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
    let icon_half = frame(p, at, s.affiliation, f, stroke);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f32, y: f32) -> Pos2 {
        Pos2::new(x, y)
    }

    /// Symbols that would touch stack, in the order given; far ones and other groups do not.
    #[test]
    fn symbols_that_would_touch_stack_in_order() {
        let items = [
            (0, at(100.0, 100.0)),
            (0, at(500.0, 100.0)),
            (0, at(110.0, 104.0)),
            (1, at(104.0, 100.0)),
            (0, at(96.0, 98.0)),
        ];
        let s = stacks(&items);
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!(s[0].members, vec![0, 2, 4]);
        assert_eq!(s[0].group, 0);
        assert!((s[0].at.x - 102.0).abs() < 1e-3 && (s[0].at.y - 100.666).abs() < 1e-2, "the mean: {:?}", s[0].at);
        assert_eq!(s[1].members, vec![1]);
        assert_eq!(s[2].members, vec![3], "another group never joins");
        // the same list gives the same stacks
        assert_eq!(stacks(&items), s);
    }

    /// After stacking no two stacks of a group touch, every symbol is in exactly one stack, and
    /// a symbol alone stays where it is.
    #[test]
    fn no_two_stacks_of_a_group_touch() {
        // a dense cluster in a deterministic scatter, plus loners
        let mut items = Vec::new();
        let mut x: u64 = 12345;
        for _ in 0..60 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let (a, b) = ((x >> 33) % 300, (x >> 13) % 200);
            items.push(((x % 2) as u8, at(a as f32, b as f32)));
        }
        items.push((0, at(2000.0, 2000.0)));
        let s = stacks(&items);
        for (i, a) in s.iter().enumerate() {
            for b in &s[i + 1..] {
                assert!(
                    a.group != b.group
                        || !footprint(a.at, a.members.len()).intersects(footprint(b.at, b.members.len())),
                    "{a:?} touches {b:?}"
                );
            }
        }
        let mut all: Vec<usize> = s.iter().flat_map(|s| s.members.clone()).collect();
        all.sort_unstable();
        assert_eq!(all, (0..items.len()).collect::<Vec<_>>());
        let last = s.iter().find(|s| s.members == vec![items.len() - 1]).expect("the loner alone");
        assert_eq!(last.at, at(2000.0, 2000.0));
        // a stack's members were near it: within a few footprints
        for st in &s {
            for &m in &st.members {
                let d = items[m].1 - st.at;
                assert!(d.x.abs() < 4.0 * FOOTPRINT.x && d.y.abs() < 4.0 * FOOTPRINT.y, "{d:?}");
            }
        }
    }

    /// Labels go to the first free place around their symbol; they never overlap one another
    /// or a symbol; one with no room is dropped, unless it must be shown.
    #[test]
    fn labels_avoid_each_other_and_the_symbols() {
        let bounds = egui::Rect::from_min_max(at(0.0, 0.0), at(1000.0, 1000.0));
        let size = Vec2::new(50.0, 12.0);
        let a = footprint(at(100.0, 100.0), 1);
        let b = footprint(at(160.0, 100.0), 1); // right of a: a's label goes elsewhere
        let placed = place_labels(&[a, b], &[(a, size, false), (b, size, false)], bounds);
        let (ra, rb) = (placed[0].unwrap(), placed[1].unwrap());
        assert!(ra.max.x <= a.min.x, "a's label on its left: {ra:?}");
        assert_eq!(rb.min.x, b.max.x + 2.0, "b's on its right: {rb:?}");
        assert!(!ra.intersects(rb) && !ra.intersects(b) && !rb.intersects(a));
        // a ring of symbols around one in the middle leaves it no room: its label is dropped,
        // unless it must be shown
        let mid = footprint(at(500.0, 500.0), 1);
        let mut obstacles = vec![mid];
        for dx in [-1.0, 0.0, 1.0] {
            for dy in [-1.0, 0.0, 1.0] {
                if dx != 0.0 || dy != 0.0 {
                    obstacles.push(mid.translate(Vec2::new(dx * 40.0, dy * 48.0)));
                }
            }
        }
        assert_eq!(place_labels(&obstacles, &[(mid, size, false)], bounds), vec![None]);
        assert!(place_labels(&obstacles, &[(mid, size, true)], bounds)[0].is_some());
        // labels that must be shown are placed first: the later one yields
        let p = place_labels(&[a], &[(a, size, false), (a, size, true)], bounds);
        assert_eq!(p[1].unwrap().min.x, a.max.x + 2.0, "the selection takes the first place");
        assert!(p[0].unwrap().max.x <= a.min.x);
        // nothing leaves the bounds
        let edge = footprint(at(990.0, 500.0), 1);
        let p = place_labels(&[edge], &[(edge, size, false)], bounds)[0].unwrap();
        assert!(bounds.contains_rect(p) && p.max.x <= edge.min.x, "{p:?}");
    }
}
