"""A synthetic city street network as an OpenStreetMap XML file, for the
network benchmark: a lattice of about 225 x 225 intersections 80 m apart
(jittered by up to 15 m), streets broken at random (8 % of the blocks' sides
missing, as dead ends and superblocks make), some diagonal avenues, a few
one-way streets, and 200 stations at random intersections (a second file, as
GeoJSON). About 100,000 edges once split at intersections.

Usage: python3 Scripts/bench/street_city.py OUT.osm STATIONS.geojson [SIDE]
"""
import json
import math
import random
import sys


def main():
    out, stations_path = sys.argv[1], sys.argv[2]
    side = int(sys.argv[3]) if len(sys.argv) > 3 else 225
    rng = random.Random(15)
    spacing = 80.0
    # Metres to degrees near 45° N, where the city stands.
    lat0, lon0 = 45.0, 5.0
    metres_per_degree_lat = 111_132.0
    metres_per_degree_lon = 111_320.0 * math.cos(math.radians(lat0))

    def node_id(k, j):
        return 1 + j * side + k

    lines = ["<?xml version='1.0' encoding='UTF-8'?>", "<osm version='0.6'>"]
    positions = {}
    for j in range(side):
        for k in range(side):
            x = k * spacing + rng.uniform(-15, 15)
            y = j * spacing + rng.uniform(-15, 15)
            lat = lat0 + y / metres_per_degree_lat
            lon = lon0 + x / metres_per_degree_lon
            positions[node_id(k, j)] = (lon, lat)
            lines.append(f"<node id='{node_id(k, j)}' lat='{lat:.7f}' lon='{lon:.7f}'/>")
    way = 10_000_000
    classes = ["residential"] * 6 + ["tertiary", "secondary", "primary", "service"]

    def emit(nodes, highway, oneway):
        nonlocal way
        if len(nodes) < 2:
            return
        way += 1
        refs = "".join(f"<nd ref='{n}'/>" for n in nodes)
        tags = f"<tag k='highway' v='{highway}'/>" + ("<tag k='oneway' v='yes'/>" if oneway else "")
        lines.append(f"<way id='{way}'>{refs}{tags}</way>")

    for horizontal in (True, False):
        for line in range(side):
            highway = rng.choice(classes)
            oneway = rng.random() < 0.1
            run = []
            for step in range(side):
                k, j = (step, line) if horizontal else (line, step)
                run.append(node_id(k, j))
                if step < side - 1 and rng.random() < 0.08:
                    emit(run, highway, oneway)
                    run = []
            emit(run, highway, oneway)
    # Diagonal avenues through existing intersections.
    for start in range(0, side, 25):
        emit([node_id(step, min(side - 1, start + step)) for step in range(side - start)], "primary", False)
    lines.append("</osm>")
    with open(out, "w") as file:
        file.write("\n".join(lines) + "\n")
    chosen = rng.sample(sorted(positions), 200)
    features = [
        {"type": "Feature", "properties": {"id": f"s{index + 1}"},
         "geometry": {"type": "Point", "coordinates": list(positions[node])}}
        for index, node in enumerate(chosen)
    ]
    with open(stations_path, "w") as file:
        json.dump({"type": "FeatureCollection", "features": features}, file)


main()
