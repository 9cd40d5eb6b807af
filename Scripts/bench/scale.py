"""The country-scale benchmark: how time and memory grow from 1/16 of a country to the whole.

On the synthetic country of Scripts/bench/country.py (35,000 communes over 550,000 km²),
for 1/16, 1/4 and all of it:
- territory interpolate onto 1 km squares and onto 200 m squares (GeoPackage out);
- territory zonal of the communes over a 25 m raster of the part, a GDAL VRT of GeoTIFF
  tiles of 4,096 pixels a side (the communes' `rate` burnt in by gdal_rasterize, not timed);
  each commune's mean must come back as its rate;
- territory tiles of the communes, zooms 0-12 (PMTiles);
- territory tiles of the 1 km grid, zooms 0-12.
Each with its wall time (median of RUNS whole processes), peak memory and output size,
and the time per source vertex, per output cell and per pixel, appended to Scripts/bench-results.md
with a plot of time and memory against input size (Scripts/bench-scale.png) when
matplotlib is at hand.

Usage: Scripts/bench/scale.py TERRITORY PYTHON WORK RUNS [--smoke]
PYTHON has numpy, shapely and pyogrio (for country.py). --smoke: a country of 400
communes over 2,000 km², one run, the outputs checked (balance, cell count), nothing recorded.
"""
import datetime
import json
import os
import subprocess
import sys

FRACTIONS = (16, 4, 1)
HERE = os.path.dirname(os.path.abspath(__file__))


def measure(runs, command):
    out = subprocess.run(
        [sys.executable, os.path.join(HERE, "measure.py"), str(runs), *command],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def size_of(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)
    return os.path.getsize(path) + sum(
        os.path.getsize(path + extra) for extra in (".meta.json",) if os.path.exists(path + extra))


def remove(path):
    subprocess.run(["rm", "-rf", path, path + ".meta.json"], check=True)


def raster_25m(python, source, folder, tile=4096, size=25.0):
    """A VRT of GeoTIFF tiles of `tile` pixels of `size` m over the source, its `rate`
    burnt in (nodata -9999 outside the communes); returns the VRT's path and pixel count."""
    bounds = subprocess.run(
        [python, "-c", "import sys, pyogrio; print(*pyogrio.read_info(sys.argv[1])['total_bounds'])", source],
        check=True, capture_output=True, text=True).stdout.split()
    min_x, min_y, max_x, max_y = (float(b) for b in bounds)
    x0, y0 = size * (min_x // size), size * (min_y // size)
    columns, rows = int(-(-(max_x - x0) // size)), int(-(-(max_y - y0) // size))
    remove(folder)
    os.makedirs(folder)
    tiles = []
    for j in range(0, rows, tile):
        for i in range(0, columns, tile):
            width, height = min(tile, columns - i), min(tile, rows - j)
            left, bottom = x0 + i * size, y0 + j * size
            path = os.path.join(folder, f"tile_{i // tile}_{j // tile}.tif")
            subprocess.run(
                ["gdal_rasterize", "-q", "-a", "rate", "-ot", "Float32", "-a_nodata", "-9999", "-init", "-9999",
                 "-te", str(left), str(bottom), str(left + width * size), str(bottom + height * size),
                 "-ts", str(width), str(height), "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", source, path],
                check=True)
            tiles.append(path)
    vrt = os.path.join(folder, "raster.vrt")
    subprocess.run(["gdalbuildvrt", "-q", vrt, *tiles], check=True)
    return vrt, columns * rows


def check_zonal(path):
    """Every commune with pixels gets its own rate back as its mean (float32 pixels)."""
    import csv
    zones = list(csv.DictReader(open(path, encoding="utf-8")))
    with_pixels = [z for z in zones if float(z["count"] or 0) > 0]
    assert len(with_pixels) > 0.9 * len(zones), f"{len(with_pixels)} of {len(zones)} communes have pixels"
    for z in with_pixels:
        rate, mean = float(z["rate"]), float(z["mean"])
        assert abs(mean - rate) <= 1e-6 * max(1.0, abs(rate)), z


def main():
    territory, python, work, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    smoke = "--smoke" in sys.argv
    count = 400 if smoke else 35_000
    prefix = os.path.join(work, "smoke" if smoke else "country")
    if not os.path.exists(f"{prefix}_1.gpkg"):
        area = "2000" if smoke else "550000"  # km²
        subprocess.run([python, os.path.join(HERE, "country.py"), prefix, str(count), area], check=True)
    rows = []
    for fraction in FRACTIONS:
        source = f"{prefix}_{fraction}.gpkg"
        info = json.loads(subprocess.run(
            [territory, "info", source, "--json"], check=True, capture_output=True, text=True).stdout)
        layer = info["layers"][0] if "layers" in info else info
        features = layer.get("featureCount")
        vertices = int(subprocess.run(
            [python, "-c", "import sys, shapely; from pyogrio.raw import read; g = shapely.from_wkb(read(sys.argv[1])[2]);"
             "print(shapely.get_num_coordinates(g).sum())", source],
            check=True, capture_output=True, text=True).stdout) if not smoke else 0
        grid1k = os.path.join(work, f"grid1000_{fraction}.gpkg")
        jobs = [
            ("interpolate 1 km", grid1k,
             [territory, "interpolate", source, "--to-crs", "EPSG:2154", "--grid", "1000",
              "--extensive", "pop", "--intensive", "rate", "-o", grid1k, "--overwrite"]),
            ("interpolate 200 m", os.path.join(work, f"grid200_{fraction}.gpkg"),
             [territory, "interpolate", source, "--to-crs", "EPSG:2154", "--grid", "200",
              "--extensive", "pop", "--intensive", "rate", "-o",
              os.path.join(work, f"grid200_{fraction}.gpkg"), "--overwrite"]),
            ("tiles of the communes z0-12", os.path.join(work, f"communes_{fraction}.pmtiles"),
             [territory, "tiles", source, "-o", os.path.join(work, f"communes_{fraction}.pmtiles"),
              "-Z", "0", "-z", "12", "--overwrite"]),
            ("tiles of the 1 km grid z0-12", os.path.join(work, f"grid1000_{fraction}.pmtiles"),
             [territory, "tiles", grid1k, "-o", os.path.join(work, f"grid1000_{fraction}.pmtiles"),
              "-Z", "0", "-z", "12", "--overwrite"]),
        ]
        raster, pixels = raster_25m(python, source, os.path.join(work, f"raster25_{fraction}"))
        zonal = os.path.join(work, f"zonal_{fraction}.csv")
        jobs.append(("zonal over 25 m", zonal, [territory, "zonal", raster, source, "-o", zonal, "--overwrite"]))
        for name, output, command in jobs:
            figures = measure(runs, command)
            if output == zonal:
                check_zonal(zonal)
            meta = output + ".meta.json"
            cells = None
            if os.path.exists(meta):
                metadata = json.load(open(meta))
                cells = metadata["targets"]
                for balance in metadata["balances"]:
                    assert abs(balance["totalIn"] - balance["totalOut"] - balance["outside"]) <= 1e-9 * balance["totalIn"], balance
            row = dict(fraction=fraction, job=name, features=features, vertices=vertices, cells=cells,
                       size=size_of(output), **figures)
            if output == zonal:
                row["pixels"] = pixels
            rows.append(row)
            print(json.dumps(row), flush=True)
            if smoke:
                assert row["size"] > 0, name
            elif output != grid1k:
                remove(output)  # the 200 m grids and tiles take room; the 1 km grid feeds the tiles
        remove(os.path.dirname(raster))
    if smoke:
        assert all(r["cells"] for r in rows if r["job"].startswith("interpolate")), rows
        print("bench scale smoke run: every job ran, balances kept, zonal means are the communes' rates")
        return
    record(rows, runs)


def record(rows, runs):
    date = datetime.date.today().isoformat()
    lines = [
        "", f"## Country scale ({date}, `Scripts/bench/run scale {runs}`)", "",
        "Synthetic country of `Scripts/bench/country.py` (Lambert-93, nested parts around the centre);",
        f"release build, median of {runs} whole processes, 2 cores; time per source vertex for the",
        "interpolations and the commune tiles, per cell for the grid tiles, per pixel for zonal.", "",
        "| part | communes | vertices | job | cells | time | peak memory | output | per unit |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.get("pixels"):
            unit = f"{r['seconds'] / r['pixels'] * 1e9:.1f} ns/pixel ({r['pixels'] / 1e6:,.0f} M pixels)"
        elif r["job"] == "tiles of the 1 km grid z0-12":
            cells = next(x["cells"] for x in rows if x["fraction"] == r["fraction"] and x["job"] == "interpolate 1 km")
            unit = f"{r['seconds'] / cells * 1e6:.2f} µs/cell"
        else:
            unit = f"{r['seconds'] / r['vertices'] * 1e6:.2f} µs/vertex"
        cells = f"{r['cells']:,}" if r["cells"] else "—"
        lines.append(
            f"| 1/{r['fraction']} | {r['features']:,} | {r['vertices']:,} | {r['job']} | "
            f"{cells} | {r['seconds']:.1f} s | {r['mib']:.0f} MiB | "
            f"{r['size'] / 2**20:.0f} MiB | {unit} |")
    results = os.path.join(HERE, "..")
    with open(os.path.join(results, "bench-results.md"), "a") as out:
        out.write("\n".join(lines) + "\n")
    with open(os.path.join(results, "bench-scale.json"), "w") as out:
        json.dump(rows, out, indent=1)
    plot(rows, date, os.path.join(results, "bench-scale.png"))


def plot(rows, date, path):
    """Time and peak memory against the communes' vertices, log-log, one line per job."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import NullFormatter, NullLocator
    except ImportError:
        print("matplotlib missing: no plot")
        return
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for job in dict.fromkeys(r["job"] for r in rows):
        points = sorted((r["vertices"], r["seconds"], r["mib"]) for r in rows if r["job"] == job)
        left.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=job)
        right.plot([p[0] for p in points], [p[2] for p in points], marker="o", label=job)
    parts = sorted({(r["vertices"], r["fraction"]) for r in rows})
    for axis, label in ((left, "time (s)"), (right, "peak memory (MiB)")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xticks([v for v, _ in parts])
        axis.set_xticklabels([f"{v / 1e6:.2g} M (1/{f})" if f > 1 else f"{v / 1e6:.2g} M (all)" for v, f in parts])
        axis.xaxis.set_minor_locator(NullLocator())
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.set_xlabel("vertices of the communes (part of the country)")
        axis.set_ylabel(label)
        axis.grid(True, which="both", alpha=0.3)
    right.axhline(2048, color="grey", linestyle="--", linewidth=1)
    right.set_ylim(top=3000)
    right.text(right.get_xlim()[0], 1900, " 2 GiB bound", color="grey", va="top")
    left.legend(fontsize=8)
    figure.suptitle(f"territory at country scale ({date}): time and memory against input size")
    figure.tight_layout()
    figure.savefig(path, dpi=120)

if __name__ == "__main__":
    main()
