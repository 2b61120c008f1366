//! `--set PATH=VALUE`: change any numeric, boolean, text or enumerated field of a scenario by
//! its path, e.g. `units.kg_mrc_1.strength=120`, `environment.snow_line_m=2800`,
//! `contingents.kg.hq=...` is not allowed (a position is not a single value), `sides.cis.rules.report_delay_min=15`.
//!
//! Paths walk the scenario's fields by name; lists of things with an `id` (units, places,
//! sides, roads, regions, hostage groups) are indexed by that id, other lists by position
//! (`map.terrain.Procedural.ridges.0.half_width_m` — enum variants are named as in the file).
//! `contingents.<id>` is a shorthand for the contingent of that id in whichever side holds it.
//! The new value must have the type of the old one; the changed scenario is then validated
//! like any other, so an out-of-range value is reported with its rule.

use serde_json::Value;

use crate::format::schema::Scenario;

/// One `PATH=VALUE` override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// Dotted path.
    pub path: String,
    /// New value as written.
    pub value: String,
}

impl Override {
    /// Parses `PATH=VALUE`.
    pub fn parse(text: &str) -> Result<Override, String> {
        let (path, value) = text.split_once('=').ok_or_else(|| format!("`{text}` is not PATH=VALUE"))?;
        let (path, value) = (path.trim(), value.trim());
        if path.is_empty() || value.is_empty() {
            return Err(format!("`{text}` is not PATH=VALUE"));
        }
        Ok(Override { path: path.to_string(), value: value.to_string() })
    }
}

fn step<'a>(v: &'a mut Value, seg: &str, done: &str) -> Result<&'a mut Value, String> {
    match v {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            map.get_mut(seg).ok_or_else(|| {
                let hint = crate::scenario::load::closest(seg, &keys)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                format!("`{done}` has no field `{seg}`{hint}; it has: {}", keys.join(", "))
            })
        }
        Value::Array(items) => {
            if let Some(k) = items.iter().position(|it| it.get("id").and_then(Value::as_str) == Some(seg)) {
                return Ok(&mut items[k]);
            }
            if let Ok(k) = seg.parse::<usize>() {
                let n = items.len();
                return items.get_mut(k).ok_or_else(|| format!("`{done}` has {n} items; there is no item {k}"));
            }
            let ids: Vec<String> =
                items.iter().filter_map(|it| it.get("id").and_then(Value::as_str).map(str::to_string)).collect();
            if ids.is_empty() {
                Err(format!("`{done}` is a list: index it by position (0, 1, ...)"))
            } else {
                let hint = crate::scenario::load::closest(seg, &ids)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                Err(format!("`{done}` has no item with id `{seg}`{hint}"))
            }
        }
        _ => Err(format!("`{done}` is a single value; the path cannot go further than it")),
    }
}

/// Applies overrides to a scenario, returning the changed scenario or a message naming the
/// path and what was expected.
pub fn apply(scn: &Scenario, overrides: &[Override]) -> Result<Scenario, String> {
    let root = set_values(scn, overrides)?;
    serde_json::from_value(root).map_err(|e| {
        // name the override the scenario cannot take: the first that fails on its own
        let alone = |o: &Override| {
            set_values(scn, std::slice::from_ref(o)).and_then(|v| {
                serde_json::from_value::<Scenario>(v).map(|_| ()).map_err(|e| e.to_string())
            })
        };
        let (o, e) = overrides
            .iter()
            .find_map(|o| alone(o).err().map(|e| (o, e)))
            .map(|(o, e)| (Some(o), e))
            .unwrap_or((None, e.to_string()));
        match o {
            Some(o) => format!(
                "--set {}={}: the field cannot take this value: {e}\nhint: give a value of the field's kind (a whole \
                 number >= 0 for counts such as strength, one of the listed names for a choice); see docs/scenario-format.md",
                o.path, o.value
            ),
            None => format!("--set: the changed scenario is not valid: {e}"),
        }
    })
}

/// The kind of value a scenario field takes, as `--set` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number.
    Whole,
    /// Any finite number.
    Number,
    /// `true` or `false`.
    Bool,
    /// Text, or the name of a choice (checked when the changed scenario is read).
    Text,
    /// An absent optional value: a number if it reads as one, else text.
    Optional,
}

impl Kind {
    fn of(v: &Value) -> Option<Kind> {
        match v {
            Value::Number(n) if n.is_u64() || n.is_i64() => Some(Kind::Whole),
            Value::Number(_) => Some(Kind::Number),
            Value::Bool(_) => Some(Kind::Bool),
            Value::String(_) => Some(Kind::Text),
            Value::Null => Some(Kind::Optional),
            _ => None,
        }
    }

    /// `value` read as this kind, or why it cannot be.
    pub fn read(self, value: &str) -> Result<Value, String> {
        Ok(match self {
            Kind::Whole => Value::from(value.parse::<i64>().map_err(|_| format!("`{value}` is not a whole number"))?),
            Kind::Number => {
                let v: f64 = value.parse().map_err(|_| format!("`{value}` is not a number"))?;
                if !v.is_finite() {
                    return Err(format!("`{value}` is not a finite number"));
                }
                Value::from(v)
            }
            Kind::Bool => Value::Bool(value.parse().map_err(|_| format!("`{value}` is not true or false"))?),
            Kind::Text => Value::String(value.to_string()),
            Kind::Optional => match value.parse::<f64>() {
                Ok(v) if v.is_finite() => Value::from(v),
                _ => Value::String(value.to_string()),
            },
        })
    }
}

/// The node at `path` in the scenario's JSON tree `root`, and the path walked (for messages).
fn walk<'a>(scn: &Scenario, root: &'a mut Value, path: &str) -> Result<(&'a mut Value, String), String> {
    let segs: Vec<&str> = path.split('.').collect();
    let mut node = root;
    let mut done = String::new();
    let mut rest: &[&str] = &segs;
    if segs.first() == Some(&"contingents") && segs.len() >= 2 {
        // shorthand: find the side holding the contingent
        let side = scn.sides.iter().position(|s| s.contingents.iter().any(|c| c.id == segs[1])).ok_or_else(|| {
            let ids: Vec<&str> = scn.sides.iter().flat_map(|s| s.contingents.iter().map(|c| c.id.as_str())).collect();
            format!("no contingent `{}`; contingents are: {}", segs[1], ids.join(", "))
        })?;
        node = &mut node["sides"][side]["contingents"];
        done = "contingents".into();
        rest = &segs[1..];
    }
    for seg in rest {
        node = step(node, seg, if done.is_empty() { "the scenario" } else { &done })?;
        if !done.is_empty() {
            done.push('.');
        }
        done.push_str(seg);
    }
    Ok((node, done))
}

/// The kind of value the field at `path` takes, or why the path is not one `--set` can change
/// (the message as `--set` gives it, without the `--set PATH: ` before it).
pub fn field_kind(scn: &Scenario, path: &str) -> Result<Kind, String> {
    let mut root = serde_json::to_value(scn).map_err(|e| e.to_string())?;
    let (node, done) = walk(scn, &mut root, path)?;
    Kind::of(node).ok_or_else(|| compound(&done))
}

fn compound(done: &str) -> String {
    format!("`{done}` is a compound value (a position, a list or a record); set one of its fields")
}

/// The scenario as a JSON tree with the overrides' values set (paths and value kinds checked).
fn set_values(scn: &Scenario, overrides: &[Override]) -> Result<Value, String> {
    let mut root = serde_json::to_value(scn).map_err(|e| e.to_string())?;
    for o in overrides {
        let (node, done) = walk(scn, &mut root, &o.path).map_err(|e| format!("--set {}: {e}", o.path))?;
        let kind = Kind::of(node).ok_or_else(|| format!("--set {}: {}", o.path, compound(&done)))?;
        *node = kind.read(&o.value).map_err(|e| format!("--set {}: {e}", o.path))?;
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scn() -> Scenario {
        crate::scenario::load_default().unwrap().scenario
    }

    #[test]
    fn sets_numbers_enums_and_nested_fields() {
        let s = scn();
        let o = |t: &str| Override::parse(t).unwrap();
        let out = apply(
            &s,
            &[
                o("units.kg_mrc_1.strength=120"),
                o("environment.snow_line_m=2800"),
                o("units.kg_mrc_1.posture=DugIn"),
                o("contingents.kg.name=Kyrgyz Republic"),
                o("sides.cis.rules.report_delay_min=15"),
                o("environment.cloud_base_m=2500"),
            ],
        )
        .unwrap();
        let u = out.units.iter().find(|u| u.id == "kg_mrc_1").unwrap();
        assert_eq!(u.strength, 120);
        assert_eq!(u.posture, crate::format::schema::Posture::DugIn);
        assert_eq!(out.environment.snow_line_m, 2800.0);
        assert_eq!(out.environment.cloud_base_m, Some(2500.0));
        assert_eq!(out.sides[0].rules.report_delay_min, 15.0);
        assert!(out.sides.iter().flat_map(|s| &s.contingents).any(|c| c.name == "Kyrgyz Republic"));
    }

    #[test]
    fn bad_paths_and_values_are_explained() {
        let s = scn();
        let err = |t: &str| apply(&s, &[Override::parse(t).unwrap()]).unwrap_err();
        assert!(err("units.kg_mrc_1.strenght=1").contains("did you mean `strength`"));
        assert!(err("units.nobody.strength=1").contains("no item with id `nobody`"));
        assert!(err("units.kg_mrc_1.strength=many").contains("not a whole number"));
        assert!(err("units.kg_mrc_1.posture=Asleep").contains("cannot take this value"));
        assert!(err("units.kg_mrc_1.at=3").contains("compound"));
        assert!(err("contingents.xx.name=a").contains("no contingent `xx`"));
        assert!(Override::parse("nothing").is_err());
    }
}
