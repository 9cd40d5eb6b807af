"""Independent checks of territory's outputs on the real-data corpus, for
Scripts/check-corpus. Each mode reads the files with pyogrio, shapely and pyproj
(not with territory) and prints one line; a failed check exits 1.

  check_corpus.py info SOURCE INFO.json         counts agree with GDAL's own reading
  check_corpus.py same-count SOURCE LAYER OUT   the output has every feature (LAYER - : the only one)
  check_corpus.py areas SOURCE OUT.geojson      areas on EPSG:6933 agree for valid sources: to 1e-6,
                                                or within what rounding to 7 decimals can move
                                                (the perimeter times 5.6 mm) for small polygons
  check_corpus.py cell SOURCE CRS               a round cell size giving about 20,000 cells
  check_corpus.py totals SOURCE FIELD OUT.csv   the count's total is kept to 1e-9
  check_corpus.py points SOURCE CELLS.csv LOG   points counted in cells plus outside = points read
  check_corpus.py close A.csv B.csv             two engines' outputs: same header, rows and texts;
                                                numbers to 1e-9 of the larger, or of a tenth of
                                                the column's largest value (docs/ENGINES.md)
  check_corpus.py ladder CHECK.json SITE.yaml N the proposed finest grid has 10^4-10^6 cells; scales
                                                over N cells are then taken out of SITE.yaml
"""

import csv
import json
import math
import sys
import warnings

import numpy
import pyogrio
import shapely
from pyproj import CRS, Transformer

warnings.filterwarnings("ignore")


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def count(path, layer=None):
    """Features counted by reading them all (OSM layers announce no count)."""
    table = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
    return len(table)


def info(source, report):
    layers = json.load(open(report))["layers"]
    for entry in layers:
        real = count(source, entry["name"])
        announced = entry.get("featureCount")
        if announced is None:
            print(f"{entry['name']}: count unknown to the format, {real} when read")
        elif announced != real:
            fail(f"{entry['name']}: info says {announced} features, reading gives {real}")
    print(f"info: {len(layers)} layers agree")


def same_count(source, layer, output):
    a = count(source, None if layer == "-" else layer)
    b = count(output)
    if a != b:
        fail(f"{output}: {b} features for {a} in the source")
    print(f"{output}: {b} features, as many as the source")


def areas(source, output):
    src = pyogrio.read_dataframe(source)
    out = pyogrio.read_dataframe(output)
    if len(src) != len(out):
        fail(f"{len(out)} features written for {len(src)}")
    area = Transformer.from_crs(src.crs, "EPSG:6933", always_xy=True)
    back = Transformer.from_crs("EPSG:4326", "EPSG:6933", always_xy=True)
    compared = mismatched = 0
    for index, (a, b) in enumerate(zip(src.geometry.values, out.geometry.values)):
        if a is None or b is None or a.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        if not a.is_valid:
            continue
        if not b.is_valid:
            fail(f"feature {index}: valid in the source, invalid in the GeoJSON ({shapely.is_valid_reason(b)})")
        pa = project(area, a)
        pb = project(back, b)
        compared += 1
        # 7 decimals move a vertex by at most 0.5e-7 degree, 5.6 mm at the equator.
        allowed = max(1e-6 * pa.area, pa.length * 0.0056)
        if abs(pa.area - pb.area) > allowed:
            mismatched += 1
            print(f"  feature {index}: {pa.area / 1e6:.6f} km² in the source, {pb.area / 1e6:.6f} in the GeoJSON")
    if mismatched:
        fail(f"{mismatched} of {compared} polygons changed area")
    print(f"areas: {compared} valid polygons keep their area on EPSG:6933 to 1e-6")


def project(transformer, geometry):
    """The geometry projected vertex by vertex with pyproj."""
    return shapely.transform(
        geometry, lambda c: numpy.column_stack(transformer.transform(c[:, 0], c[:, 1])))


def cell(source, crs):
    info = pyogrio.read_info(source)
    bounds = Transformer.from_crs(CRS(info["crs"]), CRS(crs), always_xy=True).transform_bounds(*info["total_bounds"])
    area = (bounds[2] - bounds[0]) * (bounds[3] - bounds[1])
    raw = math.sqrt(area / 20_000)
    sizes = [s * 10**e for e in range(0, 7) for s in (1, 2, 5)]
    print(int(next(s for s in sizes if s >= raw)))


def totals(source, field, output):
    src = pyogrio.read_dataframe(source, read_geometry=False)
    expected = float(src[field].fillna(0).sum())
    rows = list(csv.DictReader(open(output)))
    got = sum(float(row[field]) for row in rows if row[field] != "")
    if abs(got - expected) > 1e-9 * max(abs(expected), 1.0):
        fail(f"{field}: {got!r} in the cells for {expected!r} in the source")
    print(f"totals: {field} = {got} kept over {len(rows)} cells")


def unchanged(source, field, output):
    """A layer compared with itself (`territory change A A`): both dates keep the
    layer's total, and every change is zero."""
    src = pyogrio.read_dataframe(source, read_geometry=False)
    expected = float(src[field].fillna(0).sum())
    rows = list(csv.DictReader(open(output)))
    for date in ["before", "after"]:
        got = sum(float(row[f"{field}_{date}"]) for row in rows if row[f"{field}_{date}"] != "")
        if abs(got - expected) > 1e-9 * max(abs(expected), 1.0):
            fail(f"{field}_{date}: {got!r} in the cells for {expected!r} in the source")
    worst = max((abs(float(row[f"{field}_change"])) for row in rows if row[f"{field}_change"] != ""), default=0)
    if worst > 1e-9 * max(abs(expected), 1.0):
        fail(f"{field}_change reaches {worst!r} between a layer and itself")
    print(f"unchanged: {field} = {expected} on both dates over {len(rows)} cells, largest change {worst}")


def two_dates(source, before, after, output):
    """Two dates a package ships on the same units (Mexico's states, income per
    head in 1990 and 2000): onto the earlier date's own units, every change
    equals the difference of the two columns."""
    src = pyogrio.read_dataframe(source, read_geometry=False)
    rows = list(csv.DictReader(open(output)))
    if len(rows) != len(src):
        fail(f"{len(rows)} rows for {len(src)} units")
    worst = 0.0
    for row, (_, unit) in zip(rows, src.iterrows()):
        expected = float(unit[after]) - float(unit[before])
        got = float(row[f"{before}_change"])
        worst = max(worst, abs(got - expected))
        if abs(got - expected) > 1e-9 * max(1.0, abs(float(unit[before]))):
            fail(f"change {got!r} for {expected!r}")
    print(f"two dates: {len(rows)} units, {before} to {after}, largest error {worst}")


def points(source, cells, log):
    frame = pyogrio.read_dataframe(source)
    total = int(shapely.get_num_geometries(frame.geometry.values[frame.geometry.notna().values]).sum())
    rows = list(csv.DictReader(open(cells)))
    counted = sum(int(row["count"]) for row in rows)
    text = open(log).read()
    outside = 0
    for line in text.splitlines():
        if "points fall in no zone" in line:
            outside = int(line.split()[0])
    if counted + outside != total:
        fail(f"{counted} points in cells and {outside} outside, for {total} in the source")
    print(f"points: {counted} in cells, {outside} outside, {total} in all")


def ladder(report, manifest, most):
    scales = json.load(open(report))["scales"]
    if not scales:
        fail("site init proposed no grid scale")
    finest = max(scales, key=lambda s: s["cells"])
    if not 1e4 <= finest["cells"] <= 1e6:
        fail(f"the finest proposed grid, {finest['name']}, has {finest['cells']:.0f} cells")
    lines = open(manifest).read().splitlines(keepends=True)
    dropped = [s["name"] for s in scales if s["cells"] > float(most)]
    kept = [line for line in lines if not any(f"name: {name}," in line for name in dropped)]
    open(manifest, "w").writelines(kept)
    print(f"ladder: finest {finest['name']} of {finest['cells']:.0f} cells; left out {dropped or 'none'}")


def close(first, second):
    a = list(csv.reader(open(first, newline="")))
    b = list(csv.reader(open(second, newline="")))
    if a[0] != b[0] or len(a) != len(b) or len(a) < 2:
        fail(f"{second}: {len(b) - 1} rows of {b[0]}, against {len(a) - 1} rows of {a[0]}")
    worst = 0.0
    for column, name in enumerate(a[0]):
        numbers = []
        for x, y in zip(a[1:], b[1:]):
            try:
                numbers.append((float(x[column]), float(y[column])))
            except ValueError:
                if x[column] != y[column]:
                    fail(f"{name}: {x[column]!r} against {y[column]!r}")
        largest = max((abs(u) for u, _ in numbers), default=0.0)
        for u, v in numbers:
            scale = max(abs(u), abs(v), largest / 10)
            if scale > 0:
                worst = max(worst, abs(u - v) / scale)
    if worst > 1e-9:
        fail(f"{second} differs from {first} by {worst:.3g}")
    print(f"close: {len(a) - 1} rows agree to {worst:.3g}")


if __name__ == "__main__":
    mode, arguments = sys.argv[1], sys.argv[2:]
    {"info": info, "same-count": same_count, "areas": areas, "cell": cell, "totals": totals, "unchanged": unchanged, "two-dates": two_dates,
     "points": points, "ladder": ladder, "close": close}[mode](*arguments)
