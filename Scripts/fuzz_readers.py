"""A mutation fuzzer for the readers: damaged copies of real files in every
format the README lists go through `territory info` and `territory convert`
under a time limit. Expected for each copy: no crash (no signal, no Swift
runtime failure), no hang, and either exit 0 or exit 1 with one first line
`error: ...` and nothing written.

  fuzz_readers.py TERRITORY SEEDS_FOLDER WORK_FOLDER COPIES_PER_SEED [SEED]

Mutations (seeded, so a run can be repeated): bit flips, byte runs set to
0x00 or 0xFF, truncations, and inflated length or count fields (a 4-byte
little- or big-endian integer set to a huge value). Shapefile seeds are
damaged one part at a time (.shp, .shx, .dbf).
"""

import os
import random
import shutil
import subprocess
import sys
import time

TIME_LIMIT = 20  # seconds per command: a hang is a failure


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    if not data:
        return bytes(data)
    kind = rng.choice(["flip", "flip", "run", "truncate", "inflate", "inflate"])
    # Headers hold most length and count fields: favour the first kilobyte.
    def position():
        return rng.randrange(min(len(data), 1024)) if rng.random() < 0.7 else rng.randrange(len(data))
    if kind == "flip":
        for _ in range(rng.randint(1, 8)):
            data[position()] ^= 1 << rng.randrange(8)
    elif kind == "run":
        start = position()
        value = rng.choice([0x00, 0xFF])
        for i in range(start, min(len(data), start + rng.randint(1, 64))):
            data[i] = value
    elif kind == "truncate":
        return bytes(data[: rng.randrange(len(data))])
    else:
        start = position()
        if start + 4 <= len(data):
            huge = rng.choice([0x7FFFFFFF, 0xFFFFFFFF, 0x10000000, 0x00FFFFFF])
            order = rng.choice(["little", "big"])
            data[start : start + 4] = huge.to_bytes(4, order)
    return bytes(data)


def check(territory, arguments, output, label, failures):
    started = time.monotonic()
    try:
        done = subprocess.run(
            [territory] + arguments, capture_output=True, timeout=TIME_LIMIT, text=True, errors="replace")
    except subprocess.TimeoutExpired:
        failures.append(f"{label}: hang (over {TIME_LIMIT} s): {' '.join(arguments)}")
        return
    seconds = time.monotonic() - started
    error = done.stderr
    # Swift's own crash reports; GDAL's "Fatal error parsing feature" is a message.
    crashed = any(mark in error for mark in ("Fatal error:", "runtime failure", "Program crashed"))
    if done.returncode < 0 or crashed:
        failures.append(f"{label}: crash (status {done.returncode}): {' '.join(arguments)}\n{error[-400:]}")
    elif done.returncode not in (0, 1):
        failures.append(f"{label}: exit {done.returncode}: {' '.join(arguments)}")
    elif done.returncode == 1:
        first = error.splitlines()[0] if error else ""
        if not first.startswith("error: "):
            failures.append(f"{label}: exit 1 without an 'error:' line: {error[:200]!r}")
        if output and os.path.exists(output):
            failures.append(f"{label}: refused, but {output} was written")
        folder = os.path.dirname(output) if output else None
        if folder and any(".partial-" in name for name in os.listdir(folder)):
            failures.append(f"{label}: a staging file was left in {folder}")
    return seconds


def main():
    territory, seeds, work = sys.argv[1:4]
    copies = int(sys.argv[4])
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    rng = random.Random(seed)
    failures = []
    runs = 0
    refused = 0
    os.makedirs(work, exist_ok=True)
    for name in sorted(os.listdir(seeds)):
        path = os.path.join(seeds, name)
        stem, ext = os.path.splitext(name)
        if ext.lower() in (".shx", ".dbf", ".prj", ".cpg"):
            continue
        parts = [ext]
        if ext.lower() == ".shp":
            parts = [".shp", ".shx", ".dbf"]
        for copy in range(copies):
            case = os.path.join(work, f"case{copy}")
            shutil.rmtree(case, ignore_errors=True)
            os.makedirs(case)
            damaged_part = rng.choice(parts)
            for part in ([".shp", ".shx", ".dbf", ".prj"] if ext.lower() == ".shp" else [ext]):
                source = os.path.join(seeds, stem + part)
                if not os.path.exists(source):
                    continue
                data = open(source, "rb").read()
                if part == damaged_part:
                    data = mutate(data, rng)
                open(os.path.join(case, "input" + part), "wb").write(data)
            target = os.path.join(case, "input" + ext)
            label = f"{name} copy {copy} ({damaged_part} damaged)"
            before = check(territory, ["info", target], None, label, failures)
            output = os.path.join(case, "out.gpkg")
            check(territory, ["convert", target, output, "--source-crs", "EPSG:4326"], output, label, failures)
            geojson = os.path.join(case, "out.geojson")
            done = check(territory, ["convert", target, geojson, "--source-crs", "EPSG:4326"], geojson, label, failures)
            runs += 3
            if not os.path.exists(output):
                refused += 1
        shutil.rmtree(os.path.join(work, "case0"), ignore_errors=True)
    for failure in failures:
        print("FAIL " + failure)
    print(f"fuzz: {runs} runs on damaged copies, {refused} copies refused, {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
