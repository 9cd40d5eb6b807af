"""The map the benchmark compares with: the same choropleth drawn by GeoPandas'
`plot` (classes by mapclassify's FisherJenksSampled, YlOrRd) and saved by
matplotlib's `savefig` on an A3 landscape page, as PDF or as a 300 dpi PNG.

Usage: Scripts/bench/map.py INPUT.gpkg COLUMN OUTPUT.(pdf|png)
"""
import sys

import geopandas
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    path, column, output = sys.argv[1], sys.argv[2], sys.argv[3]
    frame = geopandas.read_file(path)
    figure, axes = plt.subplots(figsize=(16.54, 11.69))  # A3 landscape, inches
    frame.plot(column=column, scheme="FisherJenksSampled", k=5, cmap="YlOrRd", legend=True, ax=axes, linewidth=0)
    axes.set_axis_off()
    axes.set_title(column)
    figure.savefig(output, dpi=300)


if __name__ == "__main__":
    main()
