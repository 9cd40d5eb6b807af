"""Write the synthetic large case of the interpolation benchmark: about 10,000
irregular polygons (Voronoi cells of random points, clipped to a 10 km square
near Olinda in EPSG:31985), each with an integer `pop` and a real `rate`.

Usage: Scripts/bench/synthetic.py OUT.gpkg [COUNT]
The random seed is fixed, so every run writes the same layer.
"""
import sys

import geopandas
import numpy
import shapely


def main():
    path = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    rng = numpy.random.default_rng(2026)
    x0, y0, side = 285_000.0, 9_105_000.0, 10_000.0
    points = shapely.points(rng.uniform(x0, x0 + side, count), rng.uniform(y0, y0 + side, count))
    square = shapely.box(x0, y0, x0 + side, y0 + side)
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=square)
    polygons = shapely.intersection(shapely.get_parts(cells), square)
    polygons = polygons[shapely.area(polygons) > 0]
    frame = geopandas.GeoDataFrame(
        {"pop": rng.integers(0, 2_000, len(polygons)), "rate": rng.uniform(0, 1, len(polygons))},
        geometry=polygons, crs="EPSG:31985")
    frame.to_file(path, layer="synthetic", driver="GPKG")
    print(f"{path}: {len(frame)} polygons, total pop {int(frame['pop'].sum())}")


if __name__ == "__main__":
    main()
