"""The areal-interpolation benchmark: `territory interpolate` (whole process) against
tobler's `area_interpolate` (the function call alone), on the same inputs and cells.

Usage: Scripts/bench/interpolation.py TERRITORY WORKDIR RUNS TRACTS.gpkg SYNTHETIC.gpkg RESULTS.md
The cases: the Olinda tracts, the 159 counties of Georgia (USA) that libpysal
bundles (public data of the GWR literature, UTM zone 17N, no CRS in the file)
onto squares of 1 km, and the synthetic polygons.
Prints a Markdown table (median wall time of RUNS runs, cells per second, peak
memory, the ratio to tobler and the largest difference from tobler) and appends
it, with the date and the machine, to RESULTS.md. tobler runs once per case on
the million-cell case (it takes minutes), RUNS times otherwise.
"""
import csv
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import geopandas
import numpy
import shapely
from tobler.area_weighted import area_interpolate


def run_territory(territory, arguments, runs):
    """Median wall time and peak resident memory (MiB) of whole `territory` processes,
    measured by a small separate process (see measure.py)."""
    helper = os.path.join(os.path.dirname(os.path.abspath(__file__)), "measure.py")
    result = subprocess.run(["/usr/bin/python3", helper, str(runs), territory] + arguments,
                            capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout)
    return figures["seconds"], figures["mib"]


def cells_of(path, shape, size):
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    if shape == "square":
        geometries = shapely.box(*(numpy.array([[float(r[k]) for r in rows] for k in ("x_min", "y_min", "x_max", "y_max")])))
    else:
        radius = size / 3 ** 0.5
        geometries = []
        for r in rows:
            col, row = int(r["col"]), int(r["row"])
            cx, cy = col * size + (row % 2) * size / 2, row * 1.5 * radius
            geometries.append(shapely.Polygon([(cx + size / 2, cy - radius / 2), (cx + size / 2, cy + radius / 2), (cx, cy + radius),
                                               (cx - size / 2, cy + radius / 2), (cx - size / 2, cy - radius / 2), (cx, cy - radius)]))
    return rows, geometries


def main():
    territory, work, runs, tracts, synthetic, results = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
    from libpysal import examples
    georgia = examples.get_path("G_utm.shp")
    utm25s = ["--to-crs", "EPSG:31985"]
    cases = [("Olinda tracts", tracts, "V014", "square", size, utm25s) for size in (500, 100, 50, 20)]
    cases.append(("Olinda tracts", tracts, "V014", "hex", 100, utm25s))
    cases.append(("159 Georgia counties", georgia, "TotPop90", "square", 1000,
                  ["--source-crs", "EPSG:26917", "--to-crs", "EPSG:26917"]))
    cases.append(("10,000 synthetic polygons", synthetic, "pop", "square", 10, utm25s))
    lines = ["| case | cells | territory (s) | cells/s | peak MiB | tobler (s) | tobler / territory | max relative difference |",
             "|---|---|---|---|---|---|---|---|"]
    for name, source, variable, shape, size, crs in cases:
        output = os.path.join(work, f"bench-{shape}{size}.csv")
        arguments = ["interpolate", source] + crs + ["--grid", str(size), "--shape", shape,
                                                     "--extensive", variable, "-o", output, "--overwrite"]
        seconds, memory = run_territory(territory, arguments, runs)
        rows, geometries = cells_of(output, shape, size)
        sources = geopandas.read_file(source)
        if sources.crs is None:
            sources = sources.set_crs(crs[crs.index("--source-crs") + 1])
        targets = geopandas.GeoDataFrame(geometry=geometries, crs=sources.crs)
        tobler_runs = 1 if len(rows) > 200_000 else runs
        timings = []
        for _ in range(tobler_runs):
            start = time.perf_counter()
            theirs = area_interpolate(sources, targets, extensive_variables=[variable])
            timings.append(time.perf_counter() - start)
        tobler_seconds = statistics.median(timings)
        ours = numpy.array([float(r[variable]) for r in rows])
        reference = theirs[variable].to_numpy()
        difference = float(numpy.max(numpy.abs(ours - reference) / numpy.maximum(numpy.abs(reference), 1e-3)))
        label = f"{name}, {shape} {size} m"
        lines.append(f"| {label} | {len(rows):,} | {seconds:.3f} | {len(rows) / seconds:,.0f} | {memory:.0f} | "
                     f"{tobler_seconds:.2f} | {tobler_seconds / seconds:.1f} | {difference:.1e} |")
        print(lines[-1], flush=True)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    header = (f"\n## `territory interpolate` against tobler {__import__('tobler').__version__} `area_interpolate`\n\n"
              f"`Scripts/bench/run interpolate {runs}`, {datetime.date.today()}, {platform.platform()}, {os.cpu_count()} cores "
              f"({cpu}), median of {runs} runs (tobler: one run on the million-cell case). territory: the whole "
              f"process (read, project, interpolate, write CSV); tobler: the function call alone. The last column "
              f"is the largest relative difference of the extensive variable between the two (tobler keeps its "
              f"areas in float32).\n\n")
    with open(results, "a", encoding="utf-8") as out:
        out.write(header + "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
