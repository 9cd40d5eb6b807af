"""The map gallery: `territory map` on real public layers of the corpus (the
world, the Pacific, two distant states, a layer in US feet, a country with
islands, a dense city grid, proportional circles on points and on the
countries), each in French, English and
Arabic, as PDF, SVG and PNG. Every page is checked: no word of the PDF over
another (pdftotext -bbox-layout), and for proportional circles, the largest
legend circle exactly as large as the largest map circle (in the SVG).

Usage: gallery.py TERRITORY CORPUS_DIR OUT_DIR [--keep-png]
  CORPUS_DIR is .build/corpus as Scripts/check-corpus leaves it; with
  --keep-png the PNGs (72 dpi) are written to OUT_DIR, else only checked.
"""
import os
import re
import subprocess
import sys
import tempfile

TITLES = {
    "world": {"fr": "Population estimée par pays", "en": "Estimated population by country",
              "ar": "عدد السكان المقدر حسب البلد"},
    "pacific": {"fr": "Pays du Pacifique : population", "en": "Pacific countries: population",
                "ar": "دول المحيط الهادئ: السكان"},
    "two_states": {"fr": "Californie et Maine : superficie", "en": "California and Maine: area",
                   "ar": "كاليفورنيا وماين: المساحة"},
    "chicago_feet": {"fr": "Chicago : superficie (pieds carrés)", "en": "Chicago: area (square feet)",
                     "ar": "شيكاغو: المساحة (قدم مربع)"},
    "mexico_islands": {"fr": "Mexique : États et îles", "en": "Mexico: states and islands",
                       "ar": "المكسيك: الولايات والجزر"},
    "city_grid": {"fr": "Olinda : habitants par carreau de 100 m", "en": "Olinda: residents per 100 m square",
                  "ar": "أوليندا: السكان لكل مربع 100 م"},
    "world_circles": {"fr": "Population des pays", "en": "Population of the countries",
                      "ar": "سكان البلدان"},
    "soho_circles": {"fr": "Soho, 1854 : décès du choléra", "en": "Soho, 1854: cholera deaths",
                     "ar": "سوهو 1854: وفيات الكوليرا"},
}


def run(arguments):
    result = subprocess.run(arguments, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"FAIL {' '.join(arguments)}\n{result.stderr}")
    return result.stdout


def words(pdf):
    text = run(["pdftotext", "-bbox-layout", pdf, "-"])
    pattern = r'<word xMin="([-0-9.]+)" yMin="([-0-9.]+)" xMax="([-0-9.]+)" yMax="([-0-9.]+)">([^<]*)</word>'
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(pattern, text)]


def overlaps(found):
    """Pairs of words of which one covers more than a tenth of the other."""
    pairs = []
    for i, (w1, a1, b1, c1, d1) in enumerate(found):
        for w2, a2, b2, c2, d2 in found[i + 1:]:
            width = min(c1, c2) - max(a1, a2)
            height = min(d1, d2) - max(b1, b2)
            if width > 0 and height > 0:
                smaller = min((c1 - a1) * (d1 - b1), (c2 - a2) * (d2 - b2))
                if width * height > 0.1 * smaller:
                    pairs.append(f"'{w1}' at ({a1:.0f}, {b1:.0f}) over '{w2}' at ({a2:.0f}, {b2:.0f})")
    return pairs


def circle_diameters(svg, stroke):
    """Diameters of the SVG's circles with that outline width: paths of Bezier arcs
    alone (Cairo draws a circle with four, or two when it is small)."""
    diameters = []
    for path in re.findall(rf'stroke-width:{stroke};[^"]*" d="(M [^"]*)"', svg):
        if path.count("C") < 2 or "L" in path:
            continue
        numbers = [float(n) for n in path.split() if re.fullmatch(r"-?[0-9.]+", n)]
        xs = numbers[0::2]
        diameters.append(max(xs) - min(xs))
    return diameters


def main():
    territory, corpus, out = sys.argv[1:4]
    keep = "--keep-png" in sys.argv
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    world = os.path.join(corpus, "naturalearth_lowres.shp")
    for needed in [world, os.path.join(corpus, "us48.shp")]:
        if not os.path.exists(needed):
            raise SystemExit(f"error: {needed} is missing; run Scripts/check-corpus first")
    pacific = os.path.join(work, "pacific.gpkg")
    run(["ogr2ogr", "-nlt", "MULTIPOLYGON", pacific, world, "-nln", "pacific", "-where",
         "name IN ('United States of America','Russia','Fiji','New Zealand','Japan','Australia',"
         "'Papua New Guinea','Canada','Mexico','Philippines','Indonesia','Chile','Peru','China')"])
    states = os.path.join(work, "states.gpkg")
    run(["ogr2ogr", "-nlt", "MULTIPOLYGON", "-a_srs", "EPSG:4326", states, os.path.join(corpus, "us48.shp"),
         "-nln", "states", "-where", "STATE_NAME IN ('California','Maine')"])
    chicago = os.path.join(work, "chicago.gpkg")
    run(["ogr2ogr", "-a_srs", "EPSG:3435", chicago, os.path.join(corpus, "Chicago77.shp"), "-nln", "areas"])
    grid = os.path.join(work, "grid.gpkg")
    run([territory, "interpolate", os.path.join(root, "Data/sites/olinda/olinda_tracts.gpkg"),
         "--source-crs", "EPSG:4674", "--to-crs", "EPSG:31985", "--grid", "100", "--extensive", "V014",
         "-o", grid])
    cases = {
        "world": [world, "--column", "pop_est", "--scheme", "quantiles", "--classes", "6"],
        "pacific": [pacific, "--column", "pop_est"],
        "two_states": [states, "--column", "AREA", "--palette", "Blues"],
        "chicago_feet": [chicago, "--column", "SHAPE_AREA", "--palette", "viridis", "--reverse"],
        "mexico_islands": [os.path.join(corpus, "mexicojoin.shp"), "--source-crs", "EPSG:4326", "--column", "PCGDP2000", "--palette",
                           "Greens"],
        "city_grid": [grid, "--column", "V014", "--scheme", "quantiles", "--classes", "7"],
        "world_circles": [world, "--column", "pop_est", "--symbol", "proportional", "--size-field",
                          "pop_est", "--scheme", "quantiles"],
        "soho_circles": [os.path.join(corpus, "SohoPeople.shp"), "--column", "Count", "--symbol",
                         "proportional", "--size-field", "Count", "--palette", "Reds"],
    }
    failures = 0
    for name, arguments in cases.items():
        for language in ["fr", "en", "ar"]:
            stem = os.path.join(work, f"{name}_{language}")
            base = [territory, "map"] + arguments + ["--lang", language, "--title", TITLES[name][language]]
            projection = run(base + ["-o", stem + ".pdf"]).splitlines()[0]
            found = overlaps(words(stem + ".pdf"))
            if found:
                failures += 1
                print(f"FAIL {name} ({language}): text overlaps: {found[:3]}")
            if "--symbol" in arguments:
                run(base + ["-o", stem + ".svg"])
                svg = open(stem + ".svg").read()
                on_map, in_legend = circle_diameters(svg, "0.4"), circle_diameters(svg, "0.5")
                if not on_map or not in_legend or abs(max(on_map) - max(in_legend)) > 0.01:
                    failures += 1
                    print(f"FAIL {name} ({language}): largest circle {max(on_map or [0]):.2f} pt on the map, "
                          f"{max(in_legend or [0]):.2f} pt in the legend")
            if keep:
                run(base + ["--dpi", "72", "--overwrite", "-o", os.path.join(out, f"{name}_{language}.png")])
            if language == "en":
                print(f"ok {name}: {projection}")
    if failures:
        raise SystemExit(f"gallery: {failures} failures")
    print(f"gallery: {len(cases) * 3} maps, no text over text, legend circles true to size")


if __name__ == "__main__":
    main()
