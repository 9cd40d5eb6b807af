"""Compare `territory info --json` with ogrinfo / gdalinfo (standard library only).

Usage: python3 compare_info.py TERRITORY FILE...
Prints one line per file and exits 1 when any count, extent, EPSG code, size,
band type or nodata value differs.
"""
import json
import re
import subprocess
import sys


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def top_level_epsg(wkt_lines):
    """The EPSG code of the CRS itself: the ID at the outermost indentation."""
    for line in wkt_lines:
        match = re.match(r'^    ID\["EPSG",(\d+)\]\]', line)
        if match:
            return int(match.group(1))
    return None


def ogrinfo_layers(path):
    layers, current, wkt = [], None, None
    for line in run("ogrinfo", "-so", "-al", path).splitlines():
        if line.startswith("Layer name: "):
            current = {"name": line[12:], "count": None, "extent": None, "epsg": None}
            layers.append(current)
            wkt = None
        elif current is None:
            continue
        elif line.startswith("Feature Count: "):
            current["count"] = int(line[15:])
        elif line.startswith("Extent: "):
            numbers = [float(n) for n in re.findall(r"-?[\d.]+(?:e[-+]?\d+)?", line[8:])]
            current["extent"] = numbers
        elif line.startswith("Layer SRS WKT:"):
            wkt = []
        elif wkt is not None:
            if line.startswith("Data axis") or line.startswith("FID Column") or ":" in line and not line.startswith(" "):
                current["epsg"] = top_level_epsg(wkt)
                wkt = None
            else:
                wkt.append(line)
    return layers


def close(a, b, tolerance=1e-6):
    return all(abs(x - y) <= tolerance * max(1.0, abs(y)) for x, y in zip(a, b))


def compare_vector(ours, path):
    problems = []
    theirs = ogrinfo_layers(path)
    mine = ours["layers"]
    if [l["name"] for l in theirs] != [l["name"] for l in mine]:
        return [f"layer names {[l['name'] for l in mine]} vs {[l['name'] for l in theirs]}"]
    for a, b in zip(mine, theirs):
        if a["featureCount"] != b["count"]:
            problems.append(f"{a['name']}: {a['featureCount']} features vs {b['count']}")
        if b["extent"] and not close(a.get("extent", []), b["extent"]):
            problems.append(f"{a['name']}: extent {a.get('extent')} vs {b['extent']}")
        epsg = (a.get("crs") or {}).get("epsg")
        if b["epsg"] is not None and epsg != b["epsg"]:
            problems.append(f"{a['name']}: EPSG {epsg} vs {b['epsg']}")
    summary = ", ".join(f"{l['name']} {l['featureCount']} features" for l in mine)
    return problems, summary


def compare_raster(ours, path):
    theirs = json.loads(run("gdalinfo", "-json", path))
    problems = []
    if [ours["width"], ours["height"]] != theirs["size"]:
        problems.append(f"size {ours['width']}x{ours['height']} vs {theirs['size']}")
    for band, other in zip(ours["bands"], theirs["bands"]):
        if band["dataType"] != other["type"]:
            problems.append(f"band {band['index']} type {band['dataType']} vs {other['type']}")
        if band.get("noData") != other.get("noDataValue"):
            problems.append(f"band {band['index']} nodata {band.get('noData')} vs {other.get('noDataValue')}")
    if len(ours["bands"]) != len(theirs["bands"]):
        problems.append(f"{len(ours['bands'])} bands vs {len(theirs['bands'])}")
    corners = theirs.get("cornerCoordinates")
    if corners and ours.get("extent"):
        xs = [c[0] for c in corners.values()]
        ys = [c[1] for c in corners.values()]
        if not close(ours["extent"], [min(xs), min(ys), max(xs), max(ys)]):
            problems.append(f"extent {ours['extent']} vs corners {corners}")
    wkt = theirs.get("coordinateSystem", {}).get("wkt", "").splitlines()
    epsg = top_level_epsg(wkt)
    if epsg is not None and (ours.get("crs") or {}).get("epsg") != epsg:
        problems.append(f"EPSG {(ours.get('crs') or {}).get('epsg')} vs {epsg}")
    summary = f"{ours['width']}x{ours['height']}, {len(ours['bands'])} band(s) {ours['bands'][0]['dataType']}"
    return problems, summary


def main():
    territory, paths = sys.argv[1], sys.argv[2:]
    failed = 0
    for path in paths:
        ours = json.loads(run(territory, "info", path, "--json"))
        if ours["kind"] == "vector":
            result = compare_vector(ours, path)
        else:
            result = compare_raster(ours, path)
        if isinstance(result, list):
            problems, summary = result, ""
        else:
            problems, summary = result
        status = "agrees" if not problems else "DIFFERS: " + "; ".join(problems)
        print(f"{path}: {summary}: {status}")
        failed += bool(problems)
    print(f"{len(paths) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
