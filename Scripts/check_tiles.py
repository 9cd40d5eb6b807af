"""Independent checks of territory's outputs, with libraries that share no code
with it: tiles decoded by mapbox-vector-tile, PMTiles read by the reference
`pmtiles` package, geometry checked by shapely, the source read by pyogrio.

  check_tiles.py tiles TILESET [SOURCE [LAYER]]   PMTiles, MBTiles or z/x/y folder
  check_tiles.py geojson FILE                      RFC 7946 rules

Tiles: every tile decodes; extent 4096; every polygon ring closed by the decoder
has at least 3 distinct points, exteriors of positive and holes of negative area
(MVT 2.1, y down); every feature's geometry is valid (shapely); coordinates stay
within the buffer; attribute values equal the source feature's (by feature id)
when SOURCE is given; within each tile, polygons of a layer overlap by less than
a pixel and leave sliver gaps (holes under 64 square units in their union) of
less than a pixel in all (shared borders). PMTiles: every directory
entry is read back by z/x/y. MBTiles: metadata rows and vector_layers.
Prints a summary; exits 1 on any error.
"""
import gzip
import json
import math
import os
import sqlite3
import sys

import mapbox_vector_tile
import shapely
from shapely.geometry import Polygon, MultiPolygon, box
from shapely.ops import unary_union

errors = []
# One pixel of a 256-pixel tile, in square tile units (extent 4096): overlaps and
# gaps between neighbours below this are invisible; above it, an error.
PIXEL = (4096 / 256) ** 2


def error(message):
    if len(errors) < 30:
        print("  error:", message)
    errors.append(message)


def tiles_of(path):
    """(z, x, y, bytes) for every tile, and the metadata dict."""
    if path.endswith(".pmtiles"):
        from pmtiles.reader import Reader, MmapSource, all_tiles
        from pmtiles.tile import zxy_to_tileid
        handle = open(path, "rb")
        reader = Reader(MmapSource(handle))
        header = reader.header()
        metadata = reader.metadata()
        tiles = []
        for (z, x, y), data in all_tiles(reader.get_bytes):
            again = reader.get(z, x, y)
            if again != data:
                error(f"pmtiles {z}/{x}/{y}: reading back by z/x/y gives other bytes")
            tiles.append((z, x, y, gzip.decompress(data)))
        if header["addressed_tiles_count"] != len(tiles):
            error(f"pmtiles header announces {header['addressed_tiles_count']} tiles, {len(tiles)} read")
        ids = [zxy_to_tileid(z, x, y) for z, x, y, _ in tiles]
        if ids != sorted(ids):
            error("pmtiles tiles are not in tile-id order although the header says clustered")
        return tiles, metadata
    if path.endswith(".mbtiles"):
        db = sqlite3.connect(path)
        metadata = dict(db.execute("select name, value from metadata"))
        for key in ("name", "format", "minzoom", "maxzoom", "bounds", "json"):
            if key not in metadata:
                error(f"mbtiles metadata has no '{key}' row")
        metadata["vector_layers"] = json.loads(metadata.get("json", "{}")).get("vector_layers", [])
        tiles = []
        for z, x, row, data in db.execute("select zoom_level, tile_column, tile_row, tile_data from tiles"):
            tiles.append((z, x, (1 << z) - 1 - row, gzip.decompress(data)))
        return tiles, metadata
    metadata = json.load(open(os.path.join(path, "metadata.json")))
    tiles = []
    for z in sorted(os.listdir(path)):
        if not z.isdigit():
            continue
        for x in os.listdir(os.path.join(path, z)):
            for name in os.listdir(os.path.join(path, z, x)):
                data = open(os.path.join(path, z, x, name), "rb").read()
                if data[:2] == b"\x1f\x8b":
                    data = gzip.decompress(data)
                tiles.append((int(z), int(x), int(name.split(".")[0]), data))
    return tiles, metadata


def ring_area(ring):
    """Surveyor's formula in tile coordinates (y down): positive = clockwise on screen.
    Computed from the first point, so that small rings far from the origin (degrees
    of longitude 139) keep their sign in floating point."""
    ox, oy = ring[0][0], ring[0][1]
    total = 0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        total += (x0 - ox) * (y1 - oy) - (x1 - ox) * (y0 - oy)
    return total / 2


def polygons_of(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def check_source(source, layer):
    """The source's attributes by feature id, read by pyogrio (GDAL's reader)."""
    if not source:
        return None
    from pyogrio.raw import read
    meta, fids, _, columns = read(source, layer=layer, read_geometry=False, return_fids=True)
    names = list(meta["fields"])
    table = {}
    for row, fid in enumerate(fids):
        values = {}
        for name, column in zip(names, columns):
            value = column[row]
            values[name] = value.item() if hasattr(value, "item") else value
        table[int(fid)] = values
    return table


def same(a, b):
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None
    if isinstance(b, (int, float)) and not isinstance(b, bool):
        return isinstance(a, (int, float)) and abs(a - b) <= 1e-9 * max(1, abs(b))
    return a == b


def check_tiles(path, source=None, source_layer=None):
    tiles, metadata = tiles_of(path)
    layers = {entry["id"] for entry in metadata.get("vector_layers", [])}
    if not layers and tiles:
        error("metadata lists no vector_layers")
    table = check_source(source, source_layer)
    features = 0
    worst_overlap = 0.0
    slivers = 0.0
    for z, x, y, data in tiles:
        decoded = mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})
        for name, layer in decoded.items():
            if name not in layers:
                error(f"{z}/{x}/{y}: layer '{name}' is not in vector_layers")
            if layer["extent"] != 4096:
                error(f"{z}/{x}/{y}: extent {layer['extent']}")
            shapes = []
            for feature in layer["features"]:
                features += 1
                geometry = feature["geometry"]
                where = f"{z}/{x}/{y} {name} feature {feature.get('id')}"
                coordinates = json.dumps(geometry["coordinates"])
                values = [float(v) for v in coordinates.replace("[", " ").replace("]", " ").replace(",", " ").split()]
                if values and (min(values) < -4096 or max(values) > 8192):
                    error(f"{where}: coordinates beyond the buffer")
                polygons = polygons_of(geometry)
                for polygon in polygons:
                    for index, ring in enumerate(polygon):
                        open_ring = ring[:-1] if ring[0] == ring[-1] else ring
                        if len({tuple(p) for p in open_ring}) < 3:
                            error(f"{where}: degenerate ring of {len(open_ring)} points")
                        area = ring_area(open_ring)
                        if index == 0 and area <= 0:
                            error(f"{where}: exterior ring with area {area} (must be positive, clockwise)")
                        if index > 0 and area >= 0:
                            error(f"{where}: hole with area {area} (must be negative)")
                if polygons:
                    shape = MultiPolygon([Polygon(p[0], p[1:]) for p in polygons])
                    if not shape.is_valid:
                        error(f"{where}: invalid polygon ({shapely.is_valid_reason(shape)})")
                    else:
                        shapes.append(shape)
                if table is not None:
                    fid = feature.get("id")
                    if fid is None or fid not in table:
                        error(f"{where}: no source feature with this id")
                    else:
                        for column, expected in table[fid].items():
                            value = feature["properties"].get(column)
                            if not same(value, expected):
                                error(f"{where}: {column} = {value!r}, source has {expected!r}")
            if len(shapes) > 1:
                frame = box(0, 0, 4096, 4096)
                clipped = [s.intersection(frame) for s in shapes]
                total = sum(s.area for s in clipped)
                union = unary_union(clipped)
                overlap = total - union.area
                gaps = sum(Polygon(hole).area for part in getattr(union, "geoms", [union])
                           for hole in getattr(part, "interiors", []) if Polygon(hole).area < 64)
                worst_overlap = max(worst_overlap, overlap)
                slivers = max(slivers, gaps)
                if overlap > PIXEL or gaps > PIXEL:
                    error(f"{z}/{x}/{y} {name}: polygons overlap by {overlap:g} and leave gaps of {gaps:g} square tile units (more than a pixel, {PIXEL})")
    print(f"{path}: {len(tiles)} tiles, {features} features; in the worst tile, neighbouring "
          f"polygons overlap by {worst_overlap:g} and leave sliver gaps of {slivers:g} square tile units")
    return features


def check_geojson(path):
    text = open(path).read()
    lines = text.splitlines()
    if path.endswith((".geojsonl", ".geojsons")):
        features = [json.loads(line) for line in lines if line.strip()]
    else:
        document = json.loads(text)
        if "crs" in document:
            error("the collection has a 'crs' member (RFC 7946 section 4)")
        features = document["features"]
    for index, feature in enumerate(features):
        geometry = feature.get("geometry")
        if geometry is None:
            continue
        shape = shapely.geometry.shape(geometry)
        if not shape.is_valid:
            error(f"feature {index}: invalid ({shapely.is_valid_reason(shape)})")
        for polygon in polygons_of(geometry):
            for ring_index, ring in enumerate(polygon):
                # Longitude/latitude, y up: counter-clockwise exteriors have positive area.
                area = ring_area(ring[:-1])
                if ring[0] != ring[-1]:
                    error(f"feature {index}: ring not closed")
                if len(ring) < 4:
                    error(f"feature {index}: ring of {len(ring)} positions (RFC 7946 3.1.6 needs 4)")
                if (ring_index == 0) != (area > 0):
                    error(f"feature {index}: ring {ring_index} wound the wrong way (RFC 7946 3.1.6)")
        minx, miny, maxx, maxy = shape.bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            error(f"feature {index}: coordinates outside longitude/latitude ranges")
    print(f"{path}: {len(features)} features checked against RFC 7946")


if __name__ == "__main__":
    mode, target = sys.argv[1], sys.argv[2]
    if mode == "tiles":
        check_tiles(target, *sys.argv[3:5])
    else:
        check_geojson(target)
    print(f"{len(errors)} errors")
    sys.exit(1 if errors else 0)
