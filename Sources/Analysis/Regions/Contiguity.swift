import GEOSKit
import GeoCore

/// Which units are neighbours when regions are drawn.
public enum ContiguityRule: String, Sendable, CaseIterable {
  /// Units that share part of an edge.
  case rook
  /// Units that share at least a point (a corner is enough).
  case queen
}

/// The contiguity graph of a layer's units, made connected: a unit or group of
/// units that touches no other (an island) is joined to its nearest unit, and
/// the join is reported.
public struct ContiguityGraph: Sendable {
  /// The neighbours of each unit, ascending.
  public var neighbours: [[Int]]
  /// Islands joined to the mainland: a unit of the island and the unit it was
  /// joined to (the nearest outside it), and their distance in metres.
  public var joins: [(island: Int, nearest: Int, distance: Double)]

  /// The graph of `geometries` (in a projected CRS) under `rule`.
  /// - Throws: `GEOSError`.
  public init(_ geometries: [PolygonalShape?], rule: ContiguityRule) throws {
    let shapes = try geometries.map(Geometry.polygonalOrEmpty)
    let boxes = shapes.map {
      $0.envelope ?? Envelope(minX: .infinity, minY: .infinity, maxX: .infinity, maxY: .infinity)
    }
    let tree = STRTree(envelopes: boxes)
    var neighbours = [[Int]](repeating: [], count: shapes.count)
    for (position, shape) in shapes.enumerated() {
      guard let envelope = shape.envelope else { continue }
      let prepared = try PreparedGeometry(shape)
      for other in tree.query(envelope) where other > position {
        guard try prepared.intersects(shapes[other]) else { continue }
        if rule == .rook {
          // A shared edge: the intersection has a length (or an area, where
          // real units overlap a little).
          let shared = try shape.intersection(with: shapes[other])
          guard shared.length > 0 || shared.area > 0 else { continue }
        }
        neighbours[position].append(other)
        neighbours[other].append(position)
      }
    }
    self.neighbours = neighbours.map { $0.sorted() }
    joins = []
    try joinIslands(shapes: shapes, boxes: boxes, tree: tree)
  }

  /// The connected parts of the graph, largest first.
  public var components: [[Int]] {
    var label = [Int](repeating: -1, count: neighbours.count)
    var parts: [[Int]] = []
    for start in neighbours.indices where label[start] < 0 {
      var part = [start]
      label[start] = parts.count
      var next = 0
      while next < part.count {
        for other in neighbours[part[next]] where label[other] < 0 {
          label[other] = parts.count
          part.append(other)
        }
        next += 1
      }
      parts.append(part)
    }
    return parts.sorted { $0.count > $1.count }
  }

  /// Joins every part but the largest to its nearest unit outside it, until
  /// the graph is connected.
  private mutating func joinIslands(shapes: [Geometry], boxes: [Envelope], tree: STRTree) throws {
    while true {
      let parts = components
      guard parts.count > 1, let island = parts.last else { return }
      let members = Set(island)
      let box = island.map { boxes[$0] }.filter { $0.minX.isFinite }.reduce(nil as Envelope?) {
        partial, next in partial.map { $0.union(next) } ?? next
      }
      guard var search = box else {
        // Units without geometry: join to the first unit of the largest part.
        let target = parts[0][0]
        link(island[0], target, distance: .infinity)
        continue
      }
      var best: (Int, Int, Double)?
      var margin = max(search.width, search.height, 1)
      while best == nil {
        if margin > 1e9 {
          // Nothing with a geometry outside the island: join it to the mainland.
          best = (island[0], parts[0][0], .infinity)
          break
        }
        search = Envelope(
          minX: search.minX - margin, minY: search.minY - margin, maxX: search.maxX + margin,
          maxY: search.maxY + margin)
        for other in tree.query(search) where !members.contains(other) {
          for unit in island where boxes[unit].minX.isFinite {
            let distance = try shapes[unit].distance(to: shapes[other])
            if best == nil || distance < best!.2 { best = (unit, other, distance) }
          }
        }
        margin *= 2
      }
      link(best!.0, best!.1, distance: best!.2)
    }
  }

  private mutating func link(_ a: Int, _ b: Int, distance: Double) {
    neighbours[a] = (neighbours[a] + [b]).sorted()
    neighbours[b] = (neighbours[b] + [a]).sorted()
    joins.append((a, b, distance))
  }
}
