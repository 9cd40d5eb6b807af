"""exactextract's coverage-weighted count and mean of a raster over polygons, to CSV:
the peer of `territory zonal --rule coverage --stats count,mean` in Scripts/bench/run zonal.

Usage: zonal_exactextract.py RASTER ZONES OUT.csv
The whole process is timed, Python's imports included (about 1 s of it).
"""
import sys

import geopandas
from exactextract import exact_extract


def main():
    raster, zones, out = sys.argv[1], sys.argv[2], sys.argv[3]
    # Zones read by GeoPandas and the raster by rasterio: exactextract's own
    # readers need GDAL's Python bindings, which PyPI does not ship.
    frame = exact_extract(raster, geopandas.read_file(zones), ["count", "mean"], include_cols=["pop"],
                          output="pandas")
    frame.to_csv(out, index=False)


if __name__ == "__main__":
    main()
