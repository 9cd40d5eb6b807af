"""List the public symbols of the library modules that have no doc comment.

Usage: check_doc_comments.py SYMBOLGRAPH_FOLDER
Reads the symbol graphs the compiler writes (`-emit-symbol-graph`, in the
address sanitizer's build of Scripts/sanitize) and exits 1
when a public symbol of GeoCore, GEOSKit, PROJKit, GDALKit, Analysis or
Cartography has no documentation comment (synthesized members and protocol
requirements satisfied by the standard library are left out).
"""
import json
import os
import sys

MODULES = ["GeoCore", "GEOSKit", "PROJKit", "GDALKit", "Analysis", "Cartography", "TerritoryCLI"]


def main():
    folder = sys.argv[1]
    missing = []
    for module in MODULES:
        path = os.path.join(folder, f"{module}.symbols.json")
        if not os.path.exists(path):
            print(f"error: no symbol graph of {module} in {folder}; build with -emit-symbol-graph (Scripts/sanitize address)")
            sys.exit(1)
        graph = json.load(open(path))
        for symbol in graph["symbols"]:
            if symbol.get("accessLevel") not in ("public", "open"):
                continue
            if symbol.get("docComment") or symbol["identifier"]["precise"].startswith("s:s"):
                continue
            kind = symbol["kind"]["identifier"]
            if kind in ("swift.enum.case",) and module == "TerritoryCLI":
                continue
            location = symbol.get("location", {})
            if not location:  # synthesized (Equatable, Codable, memberwise...)
                continue
            name = ".".join(symbol["pathComponents"])
            missing.append(f"{module}: {name} ({kind}) {os.path.basename(location.get('uri', ''))}:{location.get('position', {}).get('line', 0) + 1}")
    for line in sorted(missing):
        print(line)
    print(f"{len(missing)} public symbols without a doc comment")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
