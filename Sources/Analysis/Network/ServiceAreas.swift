import GEOSKit
import GeoCore

/// Service areas on a street network: the edges, and parts of edges, that a
/// point reaches within a time, buffered by a set distance and unioned. A part
/// of an edge is what lies within the time left on arriving at one of its ends
/// (in the directions the edge allows), or, on the point's own edge, around
/// the point.
enum ServiceAreas {
  /// One area: a point (or, for `nearest`, the share of the territory closest
  /// to it in time) within some minutes.
  struct Area {
    var source: Int
    var minutes: Double
    /// Metres of network reached.
    var length: Double
    var geometry: Geometry?
  }

  /// The reached stretches of `network`: per edge, the intervals of its length
  /// (as shares, 0...1) reached within `limit` seconds, by source.
  static func reached(
    network: StreetNetwork, best: [Double], source: [Int32],
    sources: [TravelTimes.Source?], limit: Double
  ) -> [(edge: Int, source: Int, from: Double, to: Double)] {
    var found: [(edge: Int, source: Int, from: Double, to: Double)] = []
    var onEdge: [Int: [Int]] = [:]
    for (index, placed) in sources.enumerated() {
      if let placed { onEdge[placed.position.edge, default: []].append(index) }
    }
    for (index, edge) in network.edges.enumerated() {
      if edge.forward.isFinite, best[edge.from] <= limit {
        let share = min(1, (limit - best[edge.from]) / edge.forward)
        found.append((index, Int(source[edge.from]), 0, share))
      }
      if edge.backward.isFinite, best[edge.to] <= limit {
        let share = min(1, (limit - best[edge.to]) / edge.backward)
        found.append((index, Int(source[edge.to]), 1 - share, 1))
      }
      for sourceIndex in onEdge[index] ?? [] {
        guard let placed = sources[sourceIndex], placed.access <= limit else { continue }
        let left = limit - placed.access
        let at = placed.position.share
        let ahead = edge.forward.isFinite ? min(1, at + left / edge.forward) : at
        let behind = edge.backward.isFinite ? max(0, at - left / edge.backward) : at
        found.append((index, sourceIndex, behind, ahead))
      }
    }
    return found
  }

  /// The part of `points` (a drawing of length `length`) between the shares `from` and `to`.
  static func part(of points: [SIMD2<Double>], length: Double, from: Double, to: Double)
    -> [SIMD2<Double>]
  {
    let start = from * length
    let end = to * length
    var result: [SIMD2<Double>] = []
    var along = 0.0
    for (a, b) in zip(points, points.dropFirst()) {
      let piece = ((b - a) * (b - a)).sum().squareRoot()
      let next = along + piece
      if next >= start && along <= end && piece > 0 {
        let t0 = max(0, (start - along) / piece)
        let t1 = min(1, (end - along) / piece)
        let p0 = a + (b - a) * t0
        if result.isEmpty || result[result.count - 1] != p0 { result.append(p0) }
        result.append(a + (b - a) * t1)
      }
      along = next
    }
    return result
  }

  /// The areas of each source (or, with the multi-source times, of the nearest
  /// source) within each of `minutes`, buffered by `buffer` metres.
  static func areas(
    network: StreetNetwork, best: [Double], source: [Int32], sources: [TravelTimes.Source?],
    minutes: [Double], buffer: Double, only: Int? = nil
  ) throws -> [Area] {
    var areas: [Area] = []
    for minute in minutes.sorted() {
      let stretches = reached(
        network: network, best: best, source: source, sources: sources, limit: minute * 60)
      var bySource: [Int: [(edge: Int, from: Double, to: Double)]] = [:]
      for stretch in stretches where only == nil || stretch.source == only {
        bySource[stretch.source, default: []].append((stretch.edge, stretch.from, stretch.to))
      }
      for sourceIndex in bySource.keys.sorted() {
        // Overlapping intervals of one edge are merged before measuring.
        var byEdge: [Int: [(Double, Double)]] = [:]
        for stretch in bySource[sourceIndex]! {
          byEdge[stretch.edge, default: []].append((stretch.from, stretch.to))
        }
        var length = 0.0
        var lines: [Geometry] = []
        for edgeIndex in byEdge.keys.sorted() {
          let edge = network.edges[edgeIndex]
          for (from, to) in merge(byEdge[edgeIndex]!) {
            length += (to - from) * edge.length
            let drawing = part(of: edge.points, length: edge.length, from: from, to: to)
            if drawing.count >= 2 { lines.append(try Geometry.lineString(drawing)) }
          }
        }
        var geometry: Geometry?
        if !lines.isEmpty {
          // Each line buffered, then one cascaded union (a buffer of the lines
          // as one collection was 30 times slower on Helsinki).
          let buffered = try lines.map { try $0.buffer(buffer, quadrantSegments: 4) }
          geometry = try Geometry.unionAll(buffered)
        }
        areas.append(Area(source: sourceIndex, minutes: minute, length: length, geometry: geometry))
      }
    }
    return areas
  }

  /// Intervals merged where they overlap or touch, sorted.
  static func merge(_ intervals: [(Double, Double)]) -> [(Double, Double)] {
    let sorted = intervals.filter { $0.1 > $0.0 }.sorted { $0.0 < $1.0 }
    var merged: [(Double, Double)] = []
    for interval in sorted {
      if let last = merged.last, interval.0 <= last.1 {
        merged[merged.count - 1].1 = max(last.1, interval.1)
      } else {
        merged.append(interval)
      }
    }
    return merged
  }
}
