import GEOSKit
import GeoCore

/// Queen contiguity: units that share at least a point.
enum Neighbours {
  /// Neighbours of square cells: the eight around each.
  static func squares(_ keys: [TargetKey]) -> [[Int]] {
    var index: [TargetKey: Int] = [:]
    for (position, key) in keys.enumerated() { index[key] = position }
    return keys.map { key in
      var found: [Int] = []
      for dy in -1...1 {
        for dx in -1...1 where dx != 0 || dy != 0 {
          if let other = index[TargetKey(column: key.column + dx, row: key.row + dy)] {
            found.append(other)
          }
        }
      }
      return found
    }
  }

  /// Neighbours of pointy-top hexagons: the six around each (odd rows shifted right).
  static func hexagons(_ keys: [TargetKey]) -> [[Int]] {
    var index: [TargetKey: Int] = [:]
    for (position, key) in keys.enumerated() { index[key] = position }
    return keys.map { key in
      let odd = key.row & 1 == 1
      let offsets =
        odd
        ? [(-1, 0), (1, 0), (0, -1), (1, -1), (0, 1), (1, 1)]
        : [(-1, 0), (1, 0), (-1, -1), (0, -1), (-1, 1), (0, 1)]
      return offsets.compactMap { index[TargetKey(column: key.column + $0.0, row: key.row + $0.1)] }
    }
  }

  /// Neighbours of any polygons (`nil`: no geometry, no neighbours): those that
  /// intersect, through an STR tree.
  static func polygons(_ geometries: [PolygonalShape?]) throws -> [[Int]] {
    let shapes = try geometries.map(Geometry.polygonalOrEmpty)
    let tree = STRTree(
      envelopes: shapes.map {
        $0.envelope ?? Envelope(minX: .infinity, minY: .infinity, maxX: .infinity, maxY: .infinity)
      })
    return try shapes.enumerated().map { position, shape in
      guard let envelope = shape.envelope else { return [] }
      let prepared = try PreparedGeometry(shape)
      return try tree.query(envelope).filter { other in
        guard other != position else { return false }
        return try prepared.intersects(shapes[other])
      }
    }
  }
}
