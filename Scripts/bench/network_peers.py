"""The minutes from the nearest station to every 100 m cell of a street
network written by `territory network`, computed with a peer library, for
Scripts/bench/run network: networkx (multi_source_dijkstra_path_length),
igraph (distances from a virtual source joined to every station) or pandana
(nearest_pois, contraction hierarchies). The same graph as territory's (its
edges' seconds each way); stations and cell centres go to their nearest node
(a k-d tree), the cell's straight walk to it added at the walking speed; the
times are written as CSV.

Usage: network_peers.py networkx|igraph|pandana NETWORK.gpkg STATIONS.geojson CELL OUT.csv
"""
import json
import math
import sqlite3
import struct
import sys

import numpy as np
from pyproj import Transformer
from scipy.spatial import cKDTree


def point_of_blob(blob):
    """x, y of a GeoPackage point geometry blob."""
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 7]
    wkb = blob[8 + envelope:]
    order = "<" if wkb[0] == 1 else ">"
    return struct.unpack(order + "dd", wkb[5:21])


def main():
    tool, network, stations_path, cell, out = sys.argv[1:6]
    cell = float(cell)
    db = sqlite3.connect(network)
    nodes = {n: point_of_blob(g) for n, g in db.execute("SELECT node, geom FROM nodes")}
    edges = db.execute("SELECT from_node, to_node, forward_s, backward_s FROM edges").fetchall()
    speed, crs = db.execute("SELECT access_kmh, crs FROM network").fetchone()
    speed /= 3.6
    ids = np.array(sorted(nodes))
    xy = np.array([nodes[n] for n in ids])
    tree = cKDTree(xy)
    to_crs = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    stations = [f["geometry"]["coordinates"] for f in json.load(open(stations_path))["features"]]
    sx, sy = to_crs.transform([s[0] for s in stations], [s[1] for s in stations])
    walk, nearest = tree.query(np.column_stack([sx, sy]))
    starts = {int(ids[i]): w / speed for i, w in zip(nearest, walk)}
    # Seconds from the nearest station to every node.
    arcs = []
    for a, b, forward, backward in edges:
        if forward is not None:
            arcs.append((a, b, forward))
        if backward is not None:
            arcs.append((b, a, backward))
    if tool == "networkx":
        import networkx as nx
        graph = nx.DiGraph()
        graph.add_nodes_from(int(n) for n in ids)
        for a, b, s in arcs:
            if not graph.has_edge(a, b) or graph[a][b]["s"] > s:
                graph.add_edge(a, b, s=s)
        source = -1
        for node, access in starts.items():
            graph.add_edge(source, node, s=access)
        found = nx.single_source_dijkstra_path_length(graph, source, weight="s")
        seconds = np.array([found.get(int(n), math.inf) for n in ids])
    elif tool == "igraph":
        import igraph
        index = {int(n): i for i, n in enumerate(ids)}
        source = len(ids)
        graph = igraph.Graph(n=len(ids) + 1, directed=True)
        pairs = [(index[a], index[b]) for a, b, _ in arcs] + [(source, index[n]) for n in starts]
        weights = [s for _, _, s in arcs] + list(starts.values())
        graph.add_edges(pairs)
        graph.es["s"] = weights
        seconds = np.array(graph.distances(source=[source], weights="s")[0][:-1])
    elif tool == "pandana":
        import pandas as pd
        import pandana
        frame = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]}, index=ids)
        # Walking: every edge both ways at the same seconds.
        edge_frame = pd.DataFrame(
            [(a, b, f if f is not None else bw) for a, b, f, bw in edges], columns=["from", "to", "s"])
        net = pandana.Network(frame["x"], frame["y"], edge_frame["from"], edge_frame["to"],
                              edge_frame[["s"]], twoway=True)
        horizon = 240 * 60
        net.set_pois("stations", horizon, 1, np.asarray(sx), np.asarray(sy))
        seconds = net.nearest_pois(horizon, "stations", num_pois=1).iloc[:, 0].to_numpy()
        seconds = np.where(seconds >= horizon, math.inf, seconds)
    else:
        raise SystemExit(f"unknown tool {tool}")
    # Cells of the grid over the nodes, each from its centre's nearest node.
    x0, y0 = math.floor(xy[:, 0].min() / cell), math.floor(xy[:, 1].min() / cell)
    x1, y1 = math.floor(xy[:, 0].max() / cell), math.floor(xy[:, 1].max() / cell)
    columns, rows = np.meshgrid(np.arange(x0, x1 + 1), np.arange(y0, y1 + 1))
    centres = np.column_stack([(columns.ravel() + 0.5) * cell, (rows.ravel() + 0.5) * cell])
    distance, node = tree.query(centres)
    minutes = (seconds[node] + distance / speed) / 60
    with open(out, "w") as file:
        file.write("column,row,minutes\n")
        for c, r, m in zip(columns.ravel(), rows.ravel(), minutes):
            file.write(f"{c},{r},{'' if math.isinf(m) else f'{m:.6f}'}\n")


main()
