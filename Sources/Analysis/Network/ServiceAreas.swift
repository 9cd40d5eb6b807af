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
  struct Area: Sendable {
    var source: Int
    var minutes: Double
    /// Metres of network reached.
    var length: Double
    /// The area (`nil` when nothing is reached).
    var shape: PolygonalShape?
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
  /// source) within each of `minutes`, buffered by `buffer` metres, sorted by
  /// minutes, then by source; sources are worked on `threads` threads (the
  /// areas do not depend on the count).
  ///
  /// A source's area within a time is its area within the previous time,
  /// unioned with the buffers of what it reaches only in the extra minutes:
  /// the buffer of a union is the union of the buffers, so each area holds
  /// the smaller ones exactly, and the streets reached early are buffered once.
  static func areas(
    network: StreetNetwork, best: [Double], source: [Int32], sources: [TravelTimes.Source?],
    minutes: [Double], buffer: Double, only: Int? = nil, threads: Int = 1
  ) throws -> [Area] {
    let times = minutes.sorted()
    // Per source, per time: each edge's reached intervals, merged.
    var reachedBy: [Int: [[Int: [(Double, Double)]]]] = [:]
    for (step, minute) in times.enumerated() {
      for stretch in reached(
        network: network, best: best, source: source, sources: sources, limit: minute * 60)
      where only == nil || stretch.source == only {
        // Appended in place: copying a source's steps out and back in copied
        // its dictionaries for every stretch.
        reachedBy[stretch.source, default: Array(repeating: [:], count: times.count)][step][
          stretch.edge, default: []
        ].append((stretch.from, stretch.to))
      }
    }
    let keys = reachedBy.keys.sorted()
    let steps = keys.map { key in reachedBy[key]!.map { $0.mapValues(merge) } }
    let grown = try ParallelChunks.map(count: keys.count, threads: threads) {
      range throws(GEOSError) in
      var found: [Area] = []
      for index in range {
        found += try grow(
          network: network, source: keys[index], steps: steps[index], times: times, buffer: buffer)
      }
      return found
    }
    return grown.flatMap { $0 }.sorted { ($0.minutes, $0.source) < ($1.minutes, $1.source) }
  }

  /// One source's areas, time after time: each the previous one unioned with
  /// the buffers of the stretches newly reached.
  private static func grow(
    network: StreetNetwork, source: Int, steps: [[Int: [(Double, Double)]]], times: [Double],
    buffer: Double
  ) throws(GEOSError) -> [Area] {
    var areas: [Area] = []
    var previous: [Int: [(Double, Double)]] = [:]
    var area: Geometry?
    for (step, reached) in steps.enumerated() where !reached.isEmpty {
      var length = 0.0
      var buffered: [Geometry] = []
      for edgeIndex in reached.keys.sorted() {
        let edge = network.edges[edgeIndex]
        let intervals = reached[edgeIndex]!
        length += intervals.reduce(0) { $0 + ($1.1 - $1.0) } * edge.length
        for (from, to) in subtract(previous[edgeIndex] ?? [], from: intervals) {
          let drawing = part(of: edge.points, length: edge.length, from: from, to: to)
          guard drawing.count >= 2 else { continue }
          // Each line buffered, then one cascaded union (a buffer of the
          // lines as one collection was 30 times slower on Helsinki; joining
          // the lines into chains first (GEOS line merge) gained nothing).
          buffered.append(try Geometry.lineString(drawing).buffer(buffer, quadrantSegments: 4))
        }
      }
      if !buffered.isEmpty { area = try Geometry.unionAll((area.map { [$0] } ?? []) + buffered) }
      previous = reached
      areas.append(
        Area(
          source: source, minutes: times[step], length: length, shape: area?.polygonalShape))
    }
    return areas
  }

  /// Each source's own areas within each of `minutes` (one search per source,
  /// sources on `threads` threads), sorted by minutes, then by source.
  static func ofEachSource(
    network: StreetNetwork, sources: [TravelTimes.Source?], minutes: [Double], buffer: Double,
    threads: Int = 1
  ) throws -> [Area] {
    let arcs = OutgoingArcs(network)
    let limit = (minutes.max() ?? 0) * 60
    let placed = sources.indices.filter { sources[$0] != nil }
    let found = try ParallelChunks.map(count: placed.count, threads: threads) {
      range throws(GEOSError) in
      var found: [Area] = []
      for index in placed[range] {
        var alone = [TravelTimes.Source?](repeating: nil, count: sources.count)
        alone[index] = sources[index]
        let (best, source) = ShortestPaths.fromNearest(
          arcs, nodeCount: network.nodes.count,
          starts: TravelTimes.starts(alone, network: network), limit: limit)
        do {
          found += try areas(
            network: network, best: best, source: source, sources: alone, minutes: minutes,
            buffer: buffer, only: index)
        } catch let error as GEOSError {
          throw error
        } catch {
          throw GEOSError(operation: "service areas", message: "\(error)")
        }
      }
      return found
    }
    return found.flatMap { $0 }.sorted { ($0.minutes, $0.source) < ($1.minutes, $1.source) }
  }

  /// The parts of `intervals` (merged, sorted) outside `covered` (merged, sorted).
  static func subtract(_ covered: [(Double, Double)], from intervals: [(Double, Double)])
    -> [(Double, Double)]
  {
    var left: [(Double, Double)] = []
    for (start, end) in intervals {
      var from = start
      for (a, b) in covered where b > from && a < end {
        if a > from { left.append((from, a)) }
        from = max(from, b)
      }
      if from < end { left.append((from, end)) }
    }
    return left
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
