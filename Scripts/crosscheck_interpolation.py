"""Independent check of one `territory interpolate --grid` output.

Usage: crosscheck_interpolation.py TRACTS.gpkg OUTPUT.csv square|hex SIZE
Rebuilds every written cell, intersects it with the tracts in shapely (float64),
applies the formulas (extensive V014 by covered-area share, intensive ID as an
area-weighted mean, categorical TIPO shares) and compares with the CSV at a
relative 1e-9, or within what 1e-9 m² of area changes in a value (slivers); then runs tobler's area_interpolate on the same cells and
compares V014 at a relative 1e-6 (tobler keeps areas in float32).
"""
import csv
import math
import sys

import geopandas
import numpy
import shapely
from tobler.area_weighted import area_interpolate


def frame(tracts, shape, size):
    """A local origin near the tracts: a grid corner (squares) or the centre of a
    hexagon of an even row (hexagons), so that cells are built from small numbers.
    Subtracting it from coordinates of the same magnitude is exact."""
    minx, miny = tracts.total_bounds[:2]
    if shape == "square":
        return 0, 0, math.floor(minx / size) * size, math.floor(miny / size) * size
    radius = size / math.sqrt(3)
    row0 = math.floor(miny / (1.5 * radius))
    row0 -= row0 % 2
    col0 = math.floor(minx / size)
    return col0, row0, col0 * size, row0 * 1.5 * radius


def cells(rows, shape, size, col0, row0, x0, y0):
    """The written cells in the local frame, from (col, row) and the convention."""
    if shape == "square":
        boxes = []
        for r in rows:
            col, row = int(r["col"]), int(r["row"])
            boxes.append(shapely.box(col * size - x0, row * size - y0, (col + 1) * size - x0, (row + 1) * size - y0))
        return boxes
    # Centres d apart, odd rows shifted by d/2, rows 1.5·R apart (R = d/√3).
    radius = size / math.sqrt(3)
    polygons = []
    for r in rows:
        col, row = int(r["col"]) - col0, int(r["row"]) - row0
        cx, cy = col * size + (row % 2) * size / 2, row * 1.5 * radius
        polygons.append(shapely.Polygon([
            (cx + size / 2, cy - radius / 2), (cx + size / 2, cy + radius / 2), (cx, cy + radius),
            (cx - size / 2, cy + radius / 2), (cx - size / 2, cy - radius / 2), (cx, cy - radius)]))
    return polygons


def main():
    tracts_path, output, shape, size = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    tracts = geopandas.read_file(tracts_path)
    rows = list(csv.DictReader(open(output, encoding="utf-8")))
    col0, row0, x0, y0 = frame(tracts, shape, size)
    targets = geopandas.GeoDataFrame(geometry=cells(rows, shape, size, col0, row0, x0, y0), crs=tracts.crs)

    # Exact float64 areas of every tract x cell pair, in the local frame: GEOS measures
    # areas with only x shifted to the ring's first point, so at UTM northings
    # (9,110 km) its products lose about 5e-8 m².
    sources = shapely.transform(tracts.geometry.values, lambda c: c - [x0, y0])
    cells_local = targets.geometry.values
    tree = shapely.STRtree(cells_local)
    source_index, target_index = tree.query(sources, predicate="intersects")
    areas = shapely.area(shapely.intersection(sources[source_index], cells_local[target_index]))
    covered_by_source = numpy.bincount(source_index, weights=areas, minlength=len(tracts))
    values = tracts["V014"].to_numpy(dtype=float)
    rates = tracts["ID"].to_numpy(dtype=float)
    urban = (tracts["TIPO"] == "URBANO").to_numpy()
    n = len(targets)
    extensive = numpy.bincount(target_index, weights=values[source_index] * areas / covered_by_source[source_index], minlength=n)
    covered = numpy.bincount(target_index, weights=areas, minlength=n)
    intensive = numpy.bincount(target_index, weights=rates[source_index] * areas, minlength=n) / covered
    urban_share = numpy.bincount(target_index, weights=areas * urban[source_index], minlength=n) / covered

    # Two exact float64 computations agree to a relative 1e-9 except on slivers,
    # where a crossing point of two edges carries about 1e-11 m of rounding and a
    # 0.04 m² sliver differs by about 1e-10 m². So each value must agree to a
    # relative 1e-9 OR to what 1e-9 m² of area can change in it.
    ours_covered = numpy.array([float(r["covered_area"]) for r in rows])
    density = numpy.max(values / shapely.area(sources))
    nm2 = 1e-9

    def worst(ours, theirs, area_scale):
        ours = numpy.asarray(ours, dtype=float)
        allowed = numpy.maximum(1e-9 * numpy.abs(theirs), nm2 * area_scale)
        return float(numpy.max(numpy.abs(ours - theirs) / allowed))

    ours_ext = [float(r["V014"]) for r in rows]
    checks = {
        "covered_area": worst(ours_covered, covered, 1.0),
        "V014": worst(ours_ext, extensive, density),
        "ID (intensive)": worst([float(r["ID"]) for r in rows], intensive, numpy.max(numpy.abs(rates)) / covered),
        "TIPO_URBANO": worst([float(r["TIPO_URBANO"] or 0) for r in rows], urban_share, 1 / covered),
    }
    slivers = int((covered < 1).sum())
    local_tracts = geopandas.GeoDataFrame(tracts.drop(columns="geometry"), geometry=sources, crs=tracts.crs)
    tobler = area_interpolate(local_tracts, targets, extensive_variables=["V014"])
    theirs = tobler["V014"].to_numpy()
    checks_tobler = float(numpy.max(numpy.abs(numpy.asarray(ours_ext) - theirs) / numpy.maximum(theirs, 1e-3)))
    failed = [k for k, v in checks.items() if v > 1] + (["tobler V014"] if checks_tobler > 1e-6 else [])
    total = sum(ours_ext)
    detail = ", ".join(f"{k} {v:.2f}" for k, v in checks.items())
    print(f"{shape} {size:g} m: {n} cells ({slivers} under 1 m²), total V014 {total:.6f}; "
          f"worst difference / allowed (<= 1 passes): {detail}; tobler V014 relative {checks_tobler:.1e}"
          + ("" if not failed else f"  FAILED: {failed}"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
