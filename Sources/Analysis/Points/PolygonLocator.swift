import GEOSKit
import GeoCore

/// Finds the polygons that cover a point: an STR tree on their envelopes, then a
/// prepared `covers` test on the candidates (a point on a shared border is
/// covered by both neighbours). The one point-in-polygon search of the analyses:
/// point counts per zone in the site pipeline and `territory points`.
final class PolygonLocator {
  private let prepared: [PreparedGeometry]
  private let tree: STRTree

  /// Indexes `polygons` (`nil` is a target without geometry, covering nothing).
  init(_ polygons: [PolygonalShape?]) throws {
    let shapes = try polygons.map(Geometry.polygonalOrEmpty)
    prepared = try shapes.map { try PreparedGeometry($0) }
    tree = STRTree(
      envelopes: shapes.map {
        $0.envelope ?? Envelope(minX: .infinity, minY: .infinity, maxX: .infinity, maxY: .infinity)
      })
  }

  /// The positions of the polygons covering `point`: all of them, or only the
  /// first found when `all` is false (targets that do not overlap).
  func covering(_ point: SIMD2<Double>, all: Bool) throws -> [Int] {
    let probe = Geometry.point(x: point.x, y: point.y)
    var found: [Int] = []
    for position in tree.query(
      Envelope(minX: point.x, minY: point.y, maxX: point.x, maxY: point.y))
    where try prepared[position].covers(probe) {
      found.append(position)
      if !all { break }
    }
    return found
  }
}
