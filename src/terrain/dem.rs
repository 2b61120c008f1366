//! ESRI ASCII grid (`.asc`) elevation models.
//!
//! Header keys (any order, case-insensitive): `ncols`, `nrows`, `xllcorner` or `xllcenter`,
//! `yllcorner` or `yllcenter`, `cellsize`, optional `nodata_value`. Data rows follow, north
//! first. NODATA cells are filled from their valid neighbours; a grid with no valid cell is an
//! error. Sizes are checked before anything is allocated.

use crate::scenario::geo::GeoFrame;
use crate::scenario::schema::DemUnits;

/// Largest DEM accepted, in cells.
pub const MAX_DEM_CELLS: usize = 16_000_000;

/// A DEM in memory.
#[derive(Debug, Clone)]
pub struct DemGrid {
    /// Columns.
    pub ncols: usize,
    /// Rows.
    pub nrows: usize,
    /// X (or longitude) of the centre of the south-west cell.
    pub x0: f64,
    /// Y (or latitude) of the centre of the south-west cell.
    pub y0: f64,
    /// Cell size (metres or degrees).
    pub cell: f64,
    /// Coordinate units.
    pub units: DemUnits,
    /// Elevations, row-major from the south row.
    pub z: Vec<f32>,
}

/// A parse error with its 1-based line.
#[derive(Debug, Clone, PartialEq)]
pub struct DemError {
    /// Line of the problem (0 when not tied to a line).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

fn err(line: usize, message: impl Into<String>) -> DemError {
    DemError { line, message: message.into() }
}

impl DemGrid {
    /// Parses the text of an ESRI ASCII grid.
    pub fn parse(text: &str, units: DemUnits) -> Result<DemGrid, DemError> {
        let mut lines = text.lines().enumerate().peekable();
        let (mut ncols, mut nrows, mut cell) = (None, None, None);
        let (mut xll, mut yll, mut centre) = (None, None, false);
        let mut nodata: Option<f64> = None;
        while let Some(&(ln, line)) = lines.peek() {
            let mut parts = line.split_whitespace();
            let Some(key) = parts.next() else {
                lines.next();
                continue;
            };
            let key = key.to_ascii_lowercase();
            if !key.starts_with(|c: char| c.is_ascii_alphabetic()) {
                break;
            }
            let val = parts.next().ok_or_else(|| err(ln + 1, format!("header `{key}` has no value")))?;
            let num: f64 = val.parse().map_err(|_| err(ln + 1, format!("header `{key}`: `{val}` is not a number")))?;
            if !num.is_finite() {
                return Err(err(ln + 1, format!("header `{key}` must be finite")));
            }
            match key.as_str() {
                "ncols" => ncols = Some(num),
                "nrows" => nrows = Some(num),
                "cellsize" => cell = Some(num),
                "xllcorner" => xll = Some(num),
                "yllcorner" => yll = Some(num),
                "xllcenter" => {
                    xll = Some(num);
                    centre = true;
                }
                "yllcenter" => {
                    yll = Some(num);
                    centre = true;
                }
                "nodata_value" => nodata = Some(num),
                _ => {
                    return Err(err(
                        ln + 1,
                        format!(
                            "unknown header `{key}`; expected ncols, nrows, xllcorner, yllcorner, cellsize, nodata_value"
                        ),
                    ));
                }
            }
            lines.next();
        }
        let need = |v: Option<f64>, k: &str| v.ok_or_else(|| err(0, format!("header `{k}` is missing")));
        let (ncols_f, nrows_f, cell) = (need(ncols, "ncols")?, need(nrows, "nrows")?, need(cell, "cellsize")?);
        let (xll, yll) = (need(xll, "xllcorner")?, need(yll, "yllcorner")?);
        if ncols_f < 2.0 || nrows_f < 2.0 || ncols_f.fract() != 0.0 || nrows_f.fract() != 0.0 {
            return Err(err(0, "ncols and nrows must be whole numbers of at least 2"));
        }
        if ncols_f * nrows_f > MAX_DEM_CELLS as f64 {
            return Err(err(
                0,
                format!(
                    "DEM of {ncols_f} x {nrows_f} cells exceeds the limit of {MAX_DEM_CELLS} cells; crop or resample it"
                ),
            ));
        }
        if cell <= 0.0 {
            return Err(err(0, "cellsize must be positive"));
        }
        let (ncols, nrows) = (ncols_f as usize, nrows_f as usize);
        let mut z = vec![f32::NAN; ncols * nrows];
        let mut count = 0usize;
        for (ln, line) in lines {
            for tok in line.split_whitespace() {
                let v: f64 = tok.parse().map_err(|_| err(ln + 1, format!("`{tok}` is not an elevation")))?;
                if count >= ncols * nrows {
                    return Err(err(ln + 1, format!("more than ncols x nrows = {} values", ncols * nrows)));
                }
                let (row_from_north, col) = (count / ncols, count % ncols);
                let row = nrows - 1 - row_from_north;
                let bad = !v.is_finite() || nodata.is_some_and(|nd| v == nd) || v.abs() > 20_000.0;
                z[row * ncols + col] = if bad { f32::NAN } else { v as f32 };
                count += 1;
            }
        }
        if count != ncols * nrows {
            return Err(err(0, format!("expected {} values (ncols x nrows), found {count}", ncols * nrows)));
        }
        fill_nodata(&mut z, ncols, nrows).map_err(|m| err(0, m))?;
        let half = if centre { 0.0 } else { cell / 2.0 };
        Ok(DemGrid { ncols, nrows, x0: xll + half, y0: yll + half, cell, units, z })
    }

    /// Bilinear elevation at a local point, or `None` outside the grid.
    pub fn sample(&self, frame: &GeoFrame, x: f64, y: f64) -> Option<f64> {
        let (u, v) = match self.units {
            DemUnits::LocalMetres => (x, y),
            DemUnits::Degrees => {
                let g = frame.to_geo(x, y);
                (g.lon, g.lat)
            }
        };
        let fx = (u - self.x0) / self.cell;
        let fy = (v - self.y0) / self.cell;
        let max_x = (self.ncols - 1) as f64;
        let max_y = (self.nrows - 1) as f64;
        // allow half a cell beyond the outermost centres (the cells' own extent)
        if !(fx >= -0.5 && fy >= -0.5 && fx <= max_x + 0.5 && fy <= max_y + 0.5) {
            return None;
        }
        let (fx, fy) = (fx.clamp(0.0, max_x), fy.clamp(0.0, max_y));
        let (i0, j0) = (fx.floor() as usize, fy.floor() as usize);
        let (i1, j1) = ((i0 + 1).min(self.ncols - 1), (j0 + 1).min(self.nrows - 1));
        let (tx, ty) = (fx - i0 as f64, fy - j0 as f64);
        let z = |i: usize, j: usize| self.z[j * self.ncols + i] as f64;
        let a = z(i0, j0) + (z(i1, j0) - z(i0, j0)) * tx;
        let b = z(i0, j1) + (z(i1, j1) - z(i0, j1)) * tx;
        Some(a + (b - a) * ty)
    }
}

/// Fills NaN cells with the mean of their valid 8-neighbours, in rings: every hole next to a
/// valid cell takes the mean of its valid neighbours (all at once, from the values before the
/// ring), then the holes next to those, and so on. Each cell is filled once and looked at a
/// bounded number of times, so the cost is linear in the grid (a 2,000 x 2,000 grid with a
/// single valid value fills in well under a second).
fn fill_nodata(z: &mut [f32], nx: usize, ny: usize) -> Result<(), String> {
    if z.iter().all(|v| v.is_nan()) {
        return Err("the DEM has no valid elevation".into());
    }
    let neighbours = |k: usize| {
        let (i, j) = ((k % nx) as i64, (k / nx) as i64);
        (-1..=1i64)
            .flat_map(move |dj| (-1..=1i64).map(move |di| (i + di, j + dj)))
            .filter(move |&(a, b)| (a, b) != (i, j) && a >= 0 && b >= 0 && (a as usize) < nx && (b as usize) < ny)
            .map(move |(a, b)| b as usize * nx + a as usize)
    };
    // the first ring: holes with a valid neighbour
    let mut queued = vec![false; z.len()];
    let mut ring: Vec<usize> = Vec::new();
    for k in 0..z.len() {
        if z[k].is_nan() && neighbours(k).any(|n| !z[n].is_nan()) {
            queued[k] = true;
            ring.push(k);
        }
    }
    while !ring.is_empty() {
        let fills: Vec<(usize, f32)> = ring
            .iter()
            .map(|&k| {
                let (s, n) = neighbours(k)
                    .filter(|&m| !z[m].is_nan())
                    .fold((0.0f64, 0u32), |(s, n), m| (s + z[m] as f64, n + 1));
                (k, (s / n.max(1) as f64) as f32)
            })
            .collect();
        for &(k, v) in &fills {
            z[k] = v;
        }
        let mut next = Vec::new();
        for &(k, _) in &fills {
            for m in neighbours(k) {
                if z[m].is_nan() && !queued[m] {
                    queued[m] = true;
                    next.push(m);
                }
            }
        }
        next.sort_unstable();
        ring = next;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::schema::LatLon;

    #[test]
    fn reads_header_rows_and_nodata() {
        let text =
            "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 100\nNODATA_value -9999\n10 20 30\n40 -9999 60\n";
        let g = DemGrid::parse(text, DemUnits::LocalMetres).unwrap();
        assert_eq!((g.ncols, g.nrows), (3, 2));
        // south row is the last line of the file
        // the NODATA cell is filled with the mean of its five valid neighbours: 32
        assert_eq!(g.z[0..3], [40.0, 32.0, 60.0]);
        assert_eq!(g.z[3..6], [10.0, 20.0, 30.0]);
        let f = GeoFrame::new(LatLon { lat: 40.0, lon: 70.0 }, 200.0);
        assert_eq!(g.sample(&f, 50.0, 150.0), Some(10.0));
        assert_eq!(g.sample(&f, 100.0, 150.0), Some(15.0));
        assert_eq!(g.sample(&f, 400.0, 50.0), None);
    }

    #[test]
    fn fills_rings_outward_from_the_valid_cells() {
        // one valid value: every cell takes it
        let (nx, ny) = (7, 5);
        let mut z = vec![f32::NAN; nx * ny];
        z[2 * nx + 3] = 1234.0;
        fill_nodata(&mut z, nx, ny).unwrap();
        assert!(z.iter().all(|v| *v == 1234.0));
        // two values: a ring cell averages the valid neighbours before the ring
        let mut z = vec![f32::NAN; 5];
        z[0] = 10.0;
        z[4] = 30.0;
        fill_nodata(&mut z, 5, 1).unwrap();
        assert_eq!(z, [10.0, 10.0, 20.0, 30.0, 30.0]);
        // a large grid with one valid cell is filled in linear time
        let (nx, ny) = (1500, 1500);
        let mut z = vec![f32::NAN; nx * ny];
        z[0] = 5.0;
        fill_nodata(&mut z, nx, ny).unwrap();
        assert_eq!(z[nx * ny - 1], 5.0);
    }

    #[test]
    fn rejects_bad_grids() {
        let bad = [
            "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 100\n1 2 3\n4 5\n",
            "ncols 3\nnrows 2\nxllcorner 0\ncellsize 100\n1 2 3\n4 5 6\n",
            "ncols 100000\nnrows 100000\nxllcorner 0\nyllcorner 0\ncellsize 1\n",
            "ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\nnodata_value 0\n0 0\n0 0\n",
            "ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize -1\n1 1\n1 1\n",
            "ncols 2\nnrows 2\nbogus 1\n",
        ];
        for b in bad {
            assert!(DemGrid::parse(b, DemUnits::LocalMetres).is_err(), "{b}");
        }
    }
}
