import GEOSKit
import GeoCore

/// A place on the network: the nearest point of an edge to a given position.
struct NetworkPosition {
  /// The edge.
  var edge: Int
  /// The share of the edge's length from its `from` node to the place (0...1).
  var share: Double
  /// The straight distance, in metres, from the position to the place.
  var distance: Double
}

/// Finds the nearest place on a network's edges, through an STR tree of their
/// boxes searched in growing squares.
final class NetworkSnapper {
  private let network: StreetNetwork
  private let tree: STRTree
  /// The edges searched (every edge unless the snapper keeps only some), by
  /// their place in the tree.
  private let edges: [Int]

  /// A snapper over the edges of `network` for which `keeps` is true (default: all).
  init(_ network: StreetNetwork, keeping keeps: (Int) -> Bool = { _ in true }) {
    self.network = network
    edges = network.edges.indices.filter(keeps)
    let boxes = edges.map { index in
      let edge = network.edges[index]
      var box = Envelope(
        minX: edge.points[0].x, minY: edge.points[0].y, maxX: edge.points[0].x,
        maxY: edge.points[0].y)
      for point in edge.points {
        box = box.union(Envelope(minX: point.x, minY: point.y, maxX: point.x, maxY: point.y))
      }
      return box
    }
    tree = STRTree(envelopes: boxes)
  }

  /// The nearest place to `point` on a way at ground level (`Edge.atGround`)
  /// within `limit` metres; a point lying exactly on a tunnel or a bridge stays
  /// there, and a point with no ground-level way within `limit` takes the
  /// nearest way of any level. A cell's centre above an underground service
  /// tunnel thus reaches the street beside it, not the tunnel.
  func nearest(_ point: SIMD2<Double>, within limit: Double) -> NetworkPosition? {
    let any = nearest(point, within: limit, onlyAtGround: false)
    guard let any, any.distance > 0, !network.edges[any.edge].atGround else { return any }
    return nearest(point, within: limit, onlyAtGround: true) ?? any
  }

  /// The nearest place on the network (on ground-level ways only, if asked)
  /// to `point`, if one lies within `limit` metres.
  private func nearest(_ point: SIMD2<Double>, within limit: Double, onlyAtGround: Bool)
    -> NetworkPosition?
  {
    var radius = min(limit, 25)
    while true {
      let square = Envelope(
        minX: point.x - radius, minY: point.y - radius, maxX: point.x + radius,
        maxY: point.y + radius)
      var best: NetworkPosition?
      for entry in tree.query(square) {
        let edge = edges[entry]
        if onlyAtGround && !network.edges[edge].atGround { continue }
        let found = Self.closest(point, on: network.edges[edge])
        if found.distance < (best?.distance ?? .infinity)
          || (found.distance == best?.distance && edge < best!.edge)
        {
          best = NetworkPosition(edge: edge, share: found.share, distance: found.distance)
        }
      }
      // Every edge nearer than the best found crosses the square searched.
      if let best, best.distance <= radius { return best.distance <= limit ? best : nil }
      if radius >= limit {
        guard let best, best.distance <= limit else { return nil }
        return best
      }
      radius = min(limit, max(radius * 2, best?.distance ?? 0))
    }
  }

  /// The nearest point of `edge`'s drawing to `point`: the share of the
  /// length before it, and the distance.
  static func closest(_ point: SIMD2<Double>, on edge: StreetNetwork.Edge) -> (
    share: Double, distance: Double
  ) {
    var bestDistance = Double.infinity
    var bestAlong = 0.0
    var along = 0.0
    for (a, b) in zip(edge.points, edge.points.dropFirst()) {
      let segment = b - a
      let squared = (segment * segment).sum()
      let t = squared > 0 ? min(1, max(0, ((point - a) * segment).sum() / squared)) : 0
      let nearest = a + segment * t
      let distance = ((point - nearest) * (point - nearest)).sum().squareRoot()
      let length = squared.squareRoot()
      if distance < bestDistance {
        bestDistance = distance
        bestAlong = along + t * length
      }
      along += length
    }
    return (edge.length > 0 ? min(1, bestAlong / edge.length) : 0, bestDistance)
  }
}
