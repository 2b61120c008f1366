//! Elevation models: ESRI ASCII grids (`.asc`), SRTM tiles (`.hgt`) and GeoTIFFs in
//! geographic coordinates (`.tif`, `.tiff`), chosen by the file's extension.
//!
//! ASCII header keys (any order, case-insensitive): `ncols`, `nrows`, `xllcorner` or
//! `xllcenter`, `yllcorner` or `yllcenter`, `cellsize`, optional `nodata_value`. Data rows
//! follow, north first. An SRTM tile is 1201 x 1201 (3") or 3601 x 3601 (1") big-endian 16-bit
//! samples, north row first, its south-west corner in its name (`N39E070.hgt`), -32768 void.
//! A GeoTIFF is one band of integers or floats with its `ModelPixelScale` and `ModelTiepoint`
//! tags (pixel-is-area corners) and optionally `GDAL_NODATA`; its model must be geographic
//! (degrees). NODATA cells are filled from their valid neighbours; a grid with no valid cell is
//! an error. Sizes are checked before anything is allocated.

use crate::format::geo::GeoFrame;
use crate::format::schema::DemUnits;

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

/// The formats read, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemFormat {
    /// ESRI ASCII grid.
    Ascii,
    /// SRTM height tile.
    Hgt,
    /// GeoTIFF.
    GeoTiff,
}

impl DemFormat {
    /// The format of a file by its name (ASCII when the extension says nothing else).
    pub fn of(name: &str) -> DemFormat {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".hgt") {
            DemFormat::Hgt
        } else if lower.ends_with(".tif") || lower.ends_with(".tiff") {
            DemFormat::GeoTiff
        } else {
            DemFormat::Ascii
        }
    }
}

impl DemGrid {
    /// Reads a DEM file's bytes in the format its name says (`units` applies to ASCII grids).
    pub fn read(name: &str, bytes: &[u8], units: DemUnits) -> Result<DemGrid, DemError> {
        match DemFormat::of(name) {
            DemFormat::Ascii => match std::str::from_utf8(bytes) {
                Ok(text) => DemGrid::parse(text, units),
                Err(e) => Err(err(0, format!("an ASCII grid must be text; byte {} is not UTF-8", e.valid_up_to()))),
            },
            DemFormat::Hgt => DemGrid::from_hgt(name, bytes),
            DemFormat::GeoTiff => DemGrid::from_geotiff(bytes),
        }
    }

    /// An SRTM tile; its south-west corner is read from its file name (`N39E070.hgt`).
    pub fn from_hgt(name: &str, bytes: &[u8]) -> Result<DemGrid, DemError> {
        let n = match bytes.len() {
            l if l == 1201 * 1201 * 2 => 1201,
            l if l == 3601 * 3601 * 2 => 3601,
            l => {
                return Err(err(
                    0,
                    format!("an SRTM tile is 1201 x 1201 or 3601 x 3601 samples of 2 bytes, not {l} bytes"),
                ));
            }
        };
        let stem = std::path::Path::new(name).file_stem().and_then(|s| s.to_str()).unwrap_or("").to_ascii_uppercase();
        let corner = (|| {
            let (ns, rest) = stem.split_at_checked(1)?;
            let e = rest.find(['E', 'W'])?;
            let lat: f64 = rest[..e].parse().ok()?;
            let lon: f64 = rest[e + 1..].parse().ok()?;
            let lat = if ns == "S" {
                -lat
            } else if ns == "N" {
                lat
            } else {
                return None;
            };
            let lon = if &rest[e..e + 1] == "W" { -lon } else { lon };
            Some((lat, lon))
        })();
        let Some((lat, lon)) = corner else {
            return Err(err(0, format!("`{name}`: an SRTM tile is named by its south-west corner, like N39E070.hgt")));
        };
        let mut z = vec![f32::NAN; n * n];
        for (k, c) in bytes.chunks_exact(2).enumerate() {
            let v = i16::from_be_bytes([c[0], c[1]]);
            let (row_from_north, col) = (k / n, k % n);
            if v != -32768 {
                z[(n - 1 - row_from_north) * n + col] = v as f32;
            }
        }
        fill_nodata(&mut z, n, n).map_err(|m| err(0, m))?;
        Ok(DemGrid { ncols: n, nrows: n, x0: lon, y0: lat, cell: 1.0 / (n - 1) as f64, units: DemUnits::Degrees, z })
    }

    /// A one-band GeoTIFF in geographic coordinates.
    pub fn from_geotiff(bytes: &[u8]) -> Result<DemGrid, DemError> {
        use tiff::decoder::{Decoder, DecodingResult, Limits};
        use tiff::tags::Tag;
        let tiff_err = |e: tiff::TiffError| err(0, format!("not a readable GeoTIFF: {e}"));
        let mut limits = Limits::default();
        limits.decoding_buffer_size = MAX_DEM_CELLS * 8;
        let mut d = Decoder::new(std::io::Cursor::new(bytes)).map_err(tiff_err)?.with_limits(limits);
        let (w, h) = d.dimensions().map_err(tiff_err)?;
        let (ncols, nrows) = (w as usize, h as usize);
        if ncols < 2 || nrows < 2 || ncols.saturating_mul(nrows) > MAX_DEM_CELLS {
            return Err(err(
                0,
                format!("a GeoTIFF of {ncols} x {nrows} pixels is outside 2 x 2 .. {MAX_DEM_CELLS} cells"),
            ));
        }
        let floats = |t: Tag, d: &mut Decoder<std::io::Cursor<&[u8]>>| -> Result<Vec<f64>, DemError> {
            match d.find_tag(t).map_err(tiff_err)? {
                Some(v) => v.into_f64_vec().map_err(tiff_err),
                None => Err(err(0, format!("the GeoTIFF has no {t:?}: it is not georeferenced"))),
            }
        };
        let scale = floats(Tag::ModelPixelScaleTag, &mut d)?;
        let tie = floats(Tag::ModelTiepointTag, &mut d)?;
        if scale.len() < 2
            || tie.len() < 6
            || scale[0] <= 0.0
            || scale[1] <= 0.0
            || (scale[0] - scale[1]).abs() > 1e-9 * scale[0]
        {
            return Err(err(0, "the GeoTIFF's pixels must be square, with one tie point"));
        }
        // GTModelTypeGeoKey (1024) = 2: geographic. Other models need reprojecting first.
        if let Ok(Some(keys)) = d.find_tag_unsigned_vec::<u16>(Tag::GeoKeyDirectoryTag) {
            let model = keys.chunks_exact(4).skip(1).find(|k| k[0] == 1024).map(|k| k[3]);
            if model.is_some_and(|m| m != 2) {
                return Err(err(
                    0,
                    "the GeoTIFF is projected; reproject it to geographic WGS 84 degrees (EPSG:4326), e.g. with gdalwarp -t_srs EPSG:4326",
                ));
            }
        }
        let nodata: Option<f64> = match d.find_tag(Tag::GdalNodata) {
            Ok(Some(v)) => v.into_string().ok().and_then(|s| s.trim_matches(char::from(0)).trim().parse().ok()),
            _ => None,
        };
        let values: Vec<f64> = match d.read_image().map_err(tiff_err)? {
            DecodingResult::I16(v) => v.into_iter().map(f64::from).collect(),
            DecodingResult::U16(v) => v.into_iter().map(f64::from).collect(),
            DecodingResult::I32(v) => v.into_iter().map(f64::from).collect(),
            DecodingResult::U32(v) => v.into_iter().map(f64::from).collect(),
            DecodingResult::F32(v) => v.into_iter().map(f64::from).collect(),
            DecodingResult::F64(v) => v,
            DecodingResult::I8(v) => v.into_iter().map(f64::from).collect(),
            DecodingResult::U8(v) => v.into_iter().map(f64::from).collect(),
            _ => return Err(err(0, "the GeoTIFF's samples must be integers or floats of one band")),
        };
        if values.len() != ncols * nrows {
            return Err(err(0, "the GeoTIFF must have one band"));
        }
        let mut z = vec![f32::NAN; ncols * nrows];
        for (k, v) in values.into_iter().enumerate() {
            let (row_from_north, col) = (k / ncols, k % ncols);
            let bad = !v.is_finite() || nodata.is_some_and(|nd| v == nd) || v.abs() > 20_000.0;
            if !bad {
                z[(nrows - 1 - row_from_north) * ncols + col] = v as f32;
            }
        }
        fill_nodata(&mut z, ncols, nrows).map_err(|m| err(0, m))?;
        let cell = scale[0];
        // the tie point: raster (i, j) at model (x, y), pixel corners (pixel-is-area)
        let (i, j, x, y) = (tie[0], tie[1], tie[3], tie[4]);
        let left = x - i * cell;
        let top = y + j * cell;
        Ok(DemGrid {
            ncols,
            nrows,
            x0: left + cell / 2.0,
            y0: top - (nrows as f64 - 0.5) * cell,
            cell,
            units: DemUnits::Degrees,
            z,
        })
    }

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
    use crate::format::schema::LatLon;

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
    fn reads_srtm_tiles_by_their_name() {
        let n = 1201;
        let mut bytes = vec![0u8; n * n * 2];
        // north-west sample 1000 m, south-east 2000 m, one void
        bytes[0..2].copy_from_slice(&1000i16.to_be_bytes());
        let last = (n * n - 1) * 2;
        bytes[last..last + 2].copy_from_slice(&2000i16.to_be_bytes());
        bytes[2..4].copy_from_slice(&(-32768i16).to_be_bytes());
        let g = DemGrid::read("N39E070.hgt", &bytes, DemUnits::LocalMetres).unwrap();
        assert_eq!((g.ncols, g.nrows, g.x0, g.y0, g.units), (1201, 1201, 70.0, 39.0, DemUnits::Degrees));
        assert_eq!(g.z[(n - 1) * n], 1000.0, "north-west");
        assert_eq!(g.z[n - 1], 2000.0, "south-east");
        assert!(!g.z[(n - 1) * n + 1].is_nan(), "the void filled");
        let s = DemGrid::read("S03W061.hgt", &bytes, DemUnits::LocalMetres).unwrap();
        assert_eq!((s.x0, s.y0), (-61.0, -3.0));
        assert!(DemGrid::read("tile.hgt", &bytes, DemUnits::LocalMetres).is_err(), "no corner in the name");
        assert!(DemGrid::read("N39E070.hgt", &bytes[..100], DemUnits::LocalMetres).is_err(), "wrong size");
    }

    #[test]
    fn reads_geographic_geotiffs() {
        use tiff::encoder::{TiffEncoder, colortype};
        use tiff::tags::Tag;
        let (w, h) = (4u32, 3u32);
        let data: Vec<i16> = (0..(w * h) as i16).map(|v| 1000 + v * 10).collect();
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut enc = TiffEncoder::new(&mut buf).unwrap();
            let mut img = enc.new_image::<colortype::GrayI16>(w, h).unwrap();
            img.encoder().write_tag(Tag::ModelPixelScaleTag, &[0.01f64, 0.01, 0.0][..]).unwrap();
            img.encoder().write_tag(Tag::ModelTiepointTag, &[0.0f64, 0.0, 0.0, 70.0, 40.0, 0.0][..]).unwrap();
            img.encoder().write_tag(Tag::GeoKeyDirectoryTag, &[1u16, 1, 0, 1, 1024, 0, 1, 2][..]).unwrap();
            img.write_data(&data).unwrap();
        }
        let g = DemGrid::read("dem.tif", buf.get_ref(), DemUnits::LocalMetres).unwrap();
        assert_eq!((g.ncols, g.nrows, g.units), (4, 3, DemUnits::Degrees));
        assert!((g.x0 - 70.005).abs() < 1e-9 && (g.y0 - 39.975).abs() < 1e-9, "{} {}", g.x0, g.y0);
        // the first row of the file is the north row
        assert_eq!(g.z[2 * 4], 1000.0);
        assert_eq!(g.z[3], 1000.0 + 11.0 * 10.0);
        // a projected model is refused with a hint
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut enc = TiffEncoder::new(&mut buf).unwrap();
            let mut img = enc.new_image::<colortype::GrayI16>(w, h).unwrap();
            img.encoder().write_tag(Tag::ModelPixelScaleTag, &[30.0f64, 30.0, 0.0][..]).unwrap();
            img.encoder().write_tag(Tag::ModelTiepointTag, &[0.0f64, 0.0, 0.0, 500000.0, 4400000.0, 0.0][..]).unwrap();
            img.encoder().write_tag(Tag::GeoKeyDirectoryTag, &[1u16, 1, 0, 1, 1024, 0, 1, 1][..]).unwrap();
            img.write_data(&data).unwrap();
        }
        let e = DemGrid::read("utm.tiff", buf.get_ref(), DemUnits::LocalMetres).unwrap_err();
        assert!(e.message.contains("EPSG:4326"), "{}", e.message);
        assert!(DemGrid::read("x.tif", b"not a tiff", DemUnits::LocalMetres).is_err());
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
