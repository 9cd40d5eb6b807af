import GEOSKit
import GeoCore

/// Cuts geometries that cross the antimeridian (a segment jumping more than 180°
/// of longitude) into parts on each side, as RFC 7946 section 3.1.9 asks:
/// longitudes are made continuous (west ones + 360), the result is clipped at
/// 180°, and the eastern part is moved back by 360°. Geometries already split
/// at ±180° (no segment jumps) are left as they are.
enum Antimeridian {
  static func cut(_ geometry: Geometry) throws -> Geometry {
    guard crosses(geometry) else { return geometry }
    let continuous = try geometry.transformed { x, _ in if x < 0 { x += 360 } }
    let west = try continuous.clipped(to: Envelope(minX: -180, minY: -90, maxX: 180, maxY: 90))
    let east = try continuous.clipped(to: Envelope(minX: 180, minY: -90, maxX: 540, maxY: 90))
      .transformed { x, _ in x -= 360 }
    let pieces = [west, east].filter { !$0.isEmpty }.flatMap { piece in
      piece.type == .multiPolygon || piece.type == .multiLineString ? piece.parts : [piece]
    }
    guard let first = pieces.first else { return geometry }
    return try Geometry.collection(first.type.promotedToMulti, of: pieces)
  }

  static func crosses(_ geometry: Geometry) -> Bool {
    var crossing = false
    for part in geometry.parts.isEmpty ? [geometry] : geometry.parts {
      var previous: Double?
      var rings: [[Double]] = []
      if part.type == .polygon {
        rings = part.polygonRings().flatMap { $0 }.map { $0.map(\.x) }
      } else {
        var xs: [Double] = []
        part.forEachCoordinate { x, _ in xs.append(x) }
        rings = [xs]
      }
      for ring in rings {
        previous = nil
        for x in ring {
          if let previous, abs(x - previous) > 180 { crossing = true }
          previous = x
        }
      }
    }
    return crossing
  }
}
