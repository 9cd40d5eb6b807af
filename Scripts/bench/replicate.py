"""Write COPIES shifted copies of a GeoJSON sequence (one feature per line) as a bigger one.

Usage: python3 Scripts/bench/replicate.py IN.geojsonl OUT.geojsonl COPIES
Copies are laid out on a grid of 0.1 degree steps, so that they do not overlap.
"""
import json
import sys


def shift(coordinates, dx, dy):
    if isinstance(coordinates[0], (int, float)):
        return [round(coordinates[0] + dx, 7), round(coordinates[1] + dy, 7)]
    return [shift(c, dx, dy) for c in coordinates]


def main():
    source, target, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    features = [json.loads(line) for line in open(source, encoding="utf-8") if line.strip()]
    with open(target, "w", encoding="utf-8") as out:
        for copy in range(copies):
            dx, dy = (copy % 20) * 0.1, (copy // 20) * 0.1
            for feature in features:
                moved = dict(feature)
                moved["geometry"] = {
                    "type": feature["geometry"]["type"],
                    "coordinates": shift(feature["geometry"]["coordinates"], dx, dy),
                }
                out.write(json.dumps(moved, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
