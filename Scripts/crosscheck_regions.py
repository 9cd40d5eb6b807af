"""Max-p regions of `territory regions` against PySAL's spopt (MaxPHeuristic)
on the same units, floor and variable, each seeded: the number of regions and
the objective (the sum over regions of the squared deviations of the
standardised variable from the region's mean, computed here for both), and
the time each takes. Targets: at least spopt's number of regions, and an
objective no more than 5% above spopt's when the counts are equal (with more
regions, the objective of the extra regions is not comparable and only the
count is held to).

Usage: crosscheck_regions.py TERRITORY OUT_DIR
"""
import json
import os
import random
import subprocess
import sys
import time

import geopandas
import libpysal
import numpy
from spopt.region import MaxPHeuristic

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = [
    # name, path, layer CRS, working CRS, floor field, floor, variable
    ("olinda tracts", os.path.join(ROOT, "Data/sites/olinda/olinda_tracts.gpkg"), "EPSG:4674", "EPSG:31985",
     "V014", 10000, "V014"),
    ("north carolina counties", os.path.join(os.path.dirname(libpysal.__file__), "examples/sids2/sids2.shp"),
     "EPSG:4267", "EPSG:32617", "BIR74", 20000, "SIDR74"),
]


def ssd(frame, labels, variable):
    values = frame[variable].astype(float).to_numpy()
    z = (values - values.mean()) / (values.std() or 1.0)
    total = 0.0
    for region in set(labels):
        part = z[numpy.asarray(labels) == region]
        total += float(((part - part.mean()) ** 2).sum())
    return total


def main():
    territory, out = sys.argv[1:3]
    os.makedirs(out, exist_ok=True)
    failures = 0
    results = []
    for name, path, crs, working, field, floor, variable in CASES:
        output = os.path.join(out, name.replace(" ", "_") + ".gpkg")
        started = time.perf_counter()
        subprocess.run([territory, "regions", path, "--source-crs", crs, "--to-crs", working, "--min",
                        f"{field}={floor}", "--by", variable, "--seed", "0", "--overwrite", "-o", output],
                       check=True, capture_output=True)
        ours_time = time.perf_counter() - started
        units = geopandas.read_file(output, layer="units")
        ours = list(units["region"])
        frame = geopandas.read_file(path)
        if frame.crs is None:
            frame = frame.set_crs(crs)
        frame = frame.to_crs(working)
        weights = libpysal.weights.Rook.from_dataframe(frame, use_index=False, silence_warnings=True)
        numpy.random.seed(0)
        random.seed(0)
        started = time.perf_counter()
        model = MaxPHeuristic(frame, weights, [variable], field, floor, top_n=2)
        model.solve()
        spopt_time = time.perf_counter() - started
        theirs = list(model.labels_)
        # Our units layer keeps the input's order.
        ours_objective = ssd(frame, ours, variable)
        theirs_objective = ssd(frame, theirs, variable)
        p_ours, p_theirs = len(set(ours)), len(set(theirs))
        ok = p_ours >= p_theirs and (p_ours > p_theirs or ours_objective <= 1.05 * theirs_objective)
        failures += not ok
        results.append({"case": name, "units": len(frame), "regions": {"territory": p_ours, "spopt": p_theirs},
                        "objective": {"territory": round(ours_objective, 6), "spopt": round(theirs_objective, 6)},
                        "seconds": {"territory": round(ours_time, 3), "spopt": round(spopt_time, 3)},
                        "ok": ok})
        print(f"{'ok' if ok else 'FAIL'} {name}: {len(frame)} units, regions {p_ours} (spopt {p_theirs}), "
              f"objective {ours_objective:.3f} (spopt {theirs_objective:.3f}), "
              f"{ours_time:.2f} s (spopt {spopt_time:.2f} s)")
    json.dump(results, open(os.path.join(out, "crosscheck-regions.json"), "w"), indent=2)
    if failures:
        raise SystemExit(f"crosscheck-regions: {failures} case(s) miss the targets")


if __name__ == "__main__":
    main()
