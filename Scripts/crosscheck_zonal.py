"""Compare territory's zonal statistics with GDAL's rasterization and exactextract.

The centre and all-touched rules are GDAL's own rasterization semantics, so the
reference burns each zone with GDAL (rasterio.features.rasterize, all_touched
off or on) on the raster's grid and computes the statistics with numpy.
(rasterstats does the same but also counts pixels of zones that stick out of the
raster, read "boundless" as zeros; those pixels do not exist.)

Usage: crosscheck_zonal.py RASTER ZONES.gpkg FOLDER   (FOLDER holds centre.csv,
all-touched.csv and coverage.csv written by `territory zonal`).
"""
import csv
import math
import sys

import geopandas
from exactextract import exact_extract
import numpy
import rasterio
from rasterio import features


def ours(path):
    return list(csv.DictReader(open(path, encoding="utf-8")))


def number(text):
    return float(text) if text not in ("", None) else None


def compare(name, mine, theirs, keys, tolerance):
    """Counts the values that differ by more than `tolerance` (relative, or absolute below 1)."""
    worst, failures = 0.0, 0
    for index, (a, b) in enumerate(zip(mine, theirs)):
        if number(a["count"]) == 0 and not b.get("count"):
            continue  # a zone without pixels: count 0 on both sides (territory's sum is 0)
        for key in keys:
            x, y = number(a[key]), b.get(key)
            if y is not None and isinstance(y, float) and math.isnan(y):
                y = None
            if x is None or y is None:
                if (x is None) != (y is None) and not (key == "count" and (x or 0) == 0):
                    failures += 1
                continue
            difference = abs(x - float(y)) / max(1.0, abs(float(y)))
            worst = max(worst, difference)
            if difference > tolerance:
                failures += 1
    print(f"{name}: {len(mine)} zones, statistics {', '.join(keys)}: worst relative difference {worst:.1e}, "
          f"{failures} values beyond {tolerance:g}")
    return failures


def burned(zones, raster, all_touched):
    """Statistics of the pixels GDAL burns for each zone."""
    with rasterio.open(raster) as source:
        values = source.read(1).astype(float)
        nodata = source.nodata
        results = []
        for geometry in zones.geometry:
            mask = features.rasterize([(geometry, 1)], out_shape=values.shape, transform=source.transform,
                                      all_touched=all_touched, fill=0).astype(bool)
            if nodata is not None:
                mask &= values != nodata
            picked = values[mask]
            if picked.size == 0:
                results.append({"count": 0})
                continue
            unique, counts = numpy.unique(picked, return_counts=True)
            results.append({"count": float(picked.size), "min": float(picked.min()), "max": float(picked.max()),
                            "mean": float(picked.mean()), "sum": float(picked.sum()), "std": float(picked.std()),
                            "majority": float(unique[numpy.argmax(counts)])})
        return results


def main():
    raster, zones_path, folder = sys.argv[1:4]
    zones = geopandas.read_file(zones_path)
    failures = 0
    for rule, touched in (("centre", False), ("all-touched", True)):
        theirs = burned(zones, raster, touched)
        failures += compare(f"{rule} vs GDAL rasterization", ours(f"{folder}/{rule}.csv"), theirs,
                            ["count", "min", "max", "mean", "sum", "std", "majority"], 1e-9)
    table = exact_extract(raster, zones, ["count", "sum", "mean", "min", "max", "stdev"], output="pandas")
    theirs = [{"count": r["count"], "sum": r["sum"], "mean": r["mean"], "min": r["min"], "max": r["max"], "std": r["stdev"]}
              for _, r in table.iterrows()]
    # exactextract keeps coverage fractions in float32: compare at 1e-6.
    failures += compare("coverage vs exactextract", ours(f"{folder}/coverage.csv"), theirs,
                        ["count", "sum", "mean", "min", "max", "std"], 1e-6)
    print("3 checks passed" if not failures else f"{failures} values differ")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
