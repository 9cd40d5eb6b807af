"""Write a synthetic but realistic country for the scale benchmark (`Scripts/bench/run scale`).

About COUNT "communes" (35,000 by default, as in France) tile a country of 550,000 km² in
Lambert-93 (EPSG:2154): Voronoi cells of clustered points, whose shared edges are densified
and jittered the same way on both sides (a Brownian bridge seeded by the edge, so the
communes still form a coverage, without gaps or overlaps), then clipped to a wavy national
border. Each commune has 50 to 500 vertices and a heavy-tailed population `pop` (a
log-normal body with a Pareto tail of cities), an integer, and a density-like `rate`.

It writes three layers, nested around the centre: OUT_1.gpkg (the whole country),
OUT_4.gpkg (the quarter of the communes nearest the centre) and OUT_16.gpkg (the
sixteenth), so that cost can be read against input size.

Usage: Scripts/bench/country.py OUT_PREFIX [COUNT [AREA_KM2]]
(AREA_KM2 is 550,000 by default; the smoke run of Scripts/test makes a small one.)
The random seed is fixed: every run writes the same layers.
"""
import hashlib
import sys

import numpy
import shapely
from pyogrio.raw import write

CENTRE = numpy.array([650_000.0, 6_600_000.0])


def border(rng, area):
    """A wavy closed border of `area` m² around CENTRE (a few harmonics on a circle)."""
    angles = numpy.linspace(0, 2 * numpy.pi, 2_000, endpoint=False)
    radius = numpy.ones_like(angles)
    for harmonic in range(2, 9):
        radius += rng.uniform(0.01, 0.06) * numpy.sin(harmonic * angles + rng.uniform(0, 6.3))
    ring = numpy.column_stack([numpy.cos(angles) * radius, numpy.sin(angles) * radius])
    shape = shapely.Polygon(ring)
    scale = (area / shape.area) ** 0.5
    return shapely.Polygon(ring * scale + CENTRE)


def seeds(rng, shape, count):
    """Points in `shape`, denser around a few hundred towns (small communes near cities)."""
    minx, miny, maxx, maxy = shape.bounds
    towns = rng.uniform([minx, miny], [maxx, maxy], (400, 2))
    chosen = []
    total = 0
    while total < count:
        uniform = rng.uniform([minx, miny], [maxx, maxy], (count, 2))
        spread = 12_000 * ((maxx - minx) / 840_000)
        near = towns[rng.integers(0, len(towns), count)] + rng.normal(0, spread, (count, 2))
        batch = numpy.where(rng.uniform(size=(count, 1)) < 0.45, near, uniform)
        inside = shapely.contains_xy(shape, batch[:, 0], batch[:, 1])
        chosen.append(batch[inside])
        total += int(inside.sum())
    return numpy.concatenate(chosen)[:count]


def edge_key(a, b):
    return tuple(numpy.round(numpy.concatenate([a, b]) if tuple(a) < tuple(b) else numpy.concatenate([b, a]), 3))


def edge_polyline(a, b, straight):
    """The densified, jittered edge from a to b: the same points (reversed) from b to a.
    Edges in `straight` are densified without jitter."""
    key = edge_key(a, b)
    forward = tuple(a) < tuple(b)
    start, end = (a, b) if forward else (b, a)
    length = float(numpy.hypot(*(end - start)))
    steps = int(min(80, max(13, length / 90)))
    seed = int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "little")
    rng = numpy.random.default_rng(seed)
    t = numpy.linspace(0, 1, steps + 1)
    walk = numpy.concatenate([[0], numpy.cumsum(rng.normal(0, 1, steps))])
    bridge = walk - t * walk[-1]  # pinned at both ends
    bridge *= 0.025 * length / max(1e-9, numpy.abs(bridge).max())
    bridge *= numpy.sin(numpy.pi * t)  # flat near the corners, where edges meet
    if key in straight:
        bridge[:] = 0
    direction = (end - start) / max(length, 1e-9)
    normal = numpy.array([-direction[1], direction[0]])
    points = start + numpy.outer(t, end - start) + numpy.outer(bridge, normal)
    return points if forward else points[::-1]


def jittered(polygon, straight):
    ring = numpy.asarray(polygon.exterior.coords)
    parts = [edge_polyline(ring[i], ring[i + 1], straight)[:-1] for i in range(len(ring) - 1)]
    coords = numpy.concatenate(parts)
    return shapely.Polygon(numpy.vstack([coords, coords[:1]]))


def as_multipolygon(shape):
    """The polygonal parts of a clipped commune, as one MultiPolygon (empty when none)."""
    parts = [part for part in shapely.get_parts(shape) if part.geom_type == "Polygon" and part.area > 0]
    for part in shapely.get_parts(shape):
        if part.geom_type == "MultiPolygon":
            parts.extend(shapely.get_parts(part))
    return shapely.MultiPolygon(parts)


def main():
    prefix = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 35_000
    area = float(sys.argv[3]) * 1e6 if len(sys.argv) > 3 else 550_000e6
    rng = numpy.random.default_rng(2026)
    country = border(rng, area)
    points = seeds(rng, country, count)
    envelope = shapely.box(*shapely.buffer(country, (area / 550_000e6) ** 0.5 * 50_000).bounds)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope))
    # Edges whose jitter makes a commune cross itself are left straight, on both sides.
    straight = set()
    shapes = numpy.array([jittered(cell, straight) for cell in cells])
    while True:
        invalid = numpy.flatnonzero(~shapely.is_valid(shapes))
        if len(invalid) == 0:
            break
        for index in invalid:
            ring = numpy.asarray(cells[index].exterior.coords)
            straight.update(edge_key(ring[i], ring[i + 1]) for i in range(len(ring) - 1))
        shapes = numpy.array([jittered(cell, straight) for cell in cells])
    print(f"{len(straight)} edges left straight")
    communes = numpy.array([as_multipolygon(shape) for shape in shapely.intersection(shapes, country)])
    keep = shapely.area(communes) > 0
    communes = communes[keep]
    body = rng.lognormal(6.4, 1.2, len(communes))
    tail = (rng.pareto(1.1, len(communes)) + 1) * 2_000
    pop = numpy.where(rng.uniform(size=len(communes)) < 0.02, tail, body).round().astype(numpy.int64)
    rate = pop / (shapely.area(communes) / 1e6)
    centroids = shapely.centroid(communes)
    reach = numpy.maximum(
        numpy.abs(shapely.get_x(centroids) - CENTRE[0]), numpy.abs(shapely.get_y(centroids) - CENTRE[1]))
    order = numpy.argsort(reach, kind="stable")
    vertices = shapely.get_num_coordinates(communes)
    invalid = int((~shapely.is_valid(communes)).sum())
    for fraction in (1, 4, 16):
        chosen = numpy.sort(order[: len(communes) // fraction])
        path = f"{prefix}_{fraction}.gpkg"
        shapes = shapely.force_2d(communes[chosen])
        write(
            path, shapely.to_wkb(shapes), [pop[chosen], rate[chosen]], ["pop", "rate"],
            layer="communes", driver="GPKG", geometry_type="MultiPolygon", crs="EPSG:2154")
        print(
            f"{path}: {len(chosen)} communes, {int(shapely.get_num_coordinates(shapes).sum())} vertices, "
            f"{shapely.area(shapes).sum() / 1e6:,.0f} km², population {int(pop[chosen].sum())}")
    print(f"vertices per commune: min {vertices.min()}, median {int(numpy.median(vertices))}, max {vertices.max()}; "
          f"{invalid} invalid")


if __name__ == "__main__":
    main()
