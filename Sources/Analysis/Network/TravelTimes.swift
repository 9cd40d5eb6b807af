import GeoCore

/// Times on a street network from the nearest of several points, to places.
///
/// A place's time is the time from the nearest point (in time) to the network
/// position nearest to the place, plus the straight walk from the place to
/// that position at the network's access speed; a point reaches the network
/// the same way. One multi-source Dijkstra pass gives every node its time;
/// each place then takes the better of its edge's two ends (in the directions
/// the edge allows), or the point itself when it lies on the same edge.
public enum TravelTimes {
  /// The time of each place and the point it is nearest to.
  public struct Result: Sendable {
    /// Seconds from the nearest point (`nil`: farther than the limit, or off the network).
    public var seconds: [Double?]
    /// The index of that point (`nil` with the time).
    public var nearest: [Int?]
    /// Places farther than the snapping distance from the network.
    public var offNetwork: Int
  }

  /// A point placed on the network, with the seconds of its walk to it.
  struct Source {
    var position: NetworkPosition
    var access: Double
  }

  /// Places the points on the network.
  /// - Returns: the placed points, and the indices of those farther than `maxSnap`.
  static func place(
    _ points: [SIMD2<Double>], on network: StreetNetwork, snapper: NetworkSnapper,
    maxSnap: Double
  ) -> (sources: [Source?], off: [Int]) {
    let speed = network.accessSpeed / 3.6
    var sources: [Source?] = []
    var off: [Int] = []
    for (index, point) in points.enumerated() {
      if let position = snapper.nearest(point, within: maxSnap) {
        sources.append(Source(position: position, access: position.distance / speed))
      } else {
        sources.append(nil)
        off.append(index)
      }
    }
    return (sources, off)
  }

  /// Where Dijkstra starts from each source: the ends of its edge, in the
  /// directions the edge allows.
  static func starts(_ sources: [Source?], network: StreetNetwork) -> [(
    node: Int, seconds: Double, source: Int
  )] {
    var starts: [(node: Int, seconds: Double, source: Int)] = []
    for (index, source) in sources.enumerated() {
      guard let source else { continue }
      let edge = network.edges[source.position.edge]
      let share = source.position.share
      // A point at an end of its edge is at that node, whatever the directions.
      if share == 1 {
        starts.append((edge.to, source.access, index))
      } else if edge.forward.isFinite {
        starts.append((edge.to, source.access + edge.forward * (1 - share), index))
      }
      if share == 0 {
        starts.append((edge.from, source.access, index))
      } else if edge.backward.isFinite {
        starts.append((edge.from, source.access + edge.backward * share, index))
      }
    }
    return starts
  }

  /// Seconds from the nearest of `points` to each of `places`, both in the
  /// network's CRS; places farther than `maxSnap` metres from the network, or
  /// more than `limit` seconds away, get `nil`. Points farther than `maxSnap`
  /// are left out (the caller lists them).
  static func compute(
    from points: [SIMD2<Double>], to places: [SIMD2<Double>], network: StreetNetwork,
    maxSnap: Double, limit: Double = .infinity
  ) -> Result {
    let snapper = NetworkSnapper(network)
    let (sources, _) = place(points, on: network, snapper: snapper, maxSnap: maxSnap)
    return compute(
      from: sources, to: places, network: network, snapper: snapper, maxSnap: maxSnap, limit: limit)
  }

  /// Seconds from the nearest of the placed `sources` to each of `places`,
  /// with the snapper that placed them.
  static func compute(
    from sources: [Source?], to places: [SIMD2<Double>], network: StreetNetwork,
    snapper: NetworkSnapper, maxSnap: Double, limit: Double = .infinity
  ) -> Result {
    let arcs = OutgoingArcs(network)
    let (best, nearestSource) = ShortestPaths.fromNearest(
      arcs, nodeCount: network.nodes.count, starts: starts(sources, network: network),
      limit: limit)
    var onEdge: [Int: [Int]] = [:]
    for (index, source) in sources.enumerated() {
      if let source { onEdge[source.position.edge, default: []].append(index) }
    }
    let speed = network.accessSpeed / 3.6
    var result = Result(
      seconds: Array(repeating: nil, count: places.count),
      nearest: Array(repeating: nil, count: places.count), offNetwork: 0)
    for (index, place) in places.enumerated() {
      guard let position = snapper.nearest(place, within: maxSnap) else {
        result.offNetwork += 1
        continue
      }
      let edge = network.edges[position.edge]
      let walk = position.distance / speed
      var time = Double.infinity
      var from: Int?
      // From either end, in the directions the edge allows (a place at an
      // end is at that node).
      let share = position.share
      if best[edge.from].isFinite, share == 0 || edge.forward.isFinite {
        time = best[edge.from] + (share == 0 ? 0 : edge.forward * share)
        from = Int(nearestSource[edge.from])
      }
      if best[edge.to].isFinite, share == 1 || edge.backward.isFinite {
        let other = best[edge.to] + (share == 1 ? 0 : edge.backward * (1 - share))
        if other < time {
          time = other
          from = Int(nearestSource[edge.to])
        }
      }
      for sourceIndex in onEdge[position.edge] ?? [] {
        guard let source = sources[sourceIndex] else { continue }
        let delta = position.share - source.position.share
        let along = delta == 0 ? 0 : delta > 0 ? edge.forward * delta : edge.backward * -delta
        if along.isFinite, source.access + along < time {
          time = source.access + along
          from = sourceIndex
        }
      }
      let total = time + walk
      if total.isFinite && total <= limit {
        result.seconds[index] = total
        result.nearest[index] = from
      }
    }
    return result
  }
}
