import Foundation
import GeoCore

/// Web Mercator (EPSG:3857) in the unit square that tile schemes use: x from 0
/// at 180°W to 1 at 180°E, y from 0 at the top (85.0511°N) to 1 at the bottom.
/// Tile (z, x, y) covers [x, x+1] / 2^z by [y, y+1] / 2^z of it (XYZ rows, y down).
///
/// The projection is written out here rather than asked of PROJ because the poles
/// have no Mercator y: latitudes are clamped to ±85.0511° so a polygon around a
/// pole keeps a finite, valid outline, as every web map draws it.
public enum WebMercator {
  /// The latitude where the square world ends, arctan(sinh(π)).
  public static let maximumLatitude = 85.051_128_779_806_59

  /// The unit-square position of a longitude/latitude in degrees.
  public static func world(longitude: Double, latitude: Double) -> SIMD2<Double> {
    let clamped = min(max(latitude, -maximumLatitude), maximumLatitude)
    let sine = sin(clamped * .pi / 180)
    let y = 0.5 - log((1 + sine) / (1 - sine)) / (4 * .pi)
    return SIMD2((longitude + 180) / 360, min(max(y, 0), 1))
  }

  /// The longitude/latitude in degrees of a unit-square position.
  public static func lonLat(_ world: SIMD2<Double>) -> (longitude: Double, latitude: Double) {
    let latitude = atan(sinh(.pi * (1 - 2 * world.y))) * 180 / .pi
    return (world.x * 360 - 180, latitude)
  }

  /// The longitude/latitude box of a unit-square box.
  public static func lonLatBounds(of box: Envelope) -> Envelope {
    let low = lonLat(SIMD2(box.minX, box.maxY))
    let high = lonLat(SIMD2(box.maxX, box.minY))
    return Envelope(
      minX: low.longitude, minY: low.latitude, maxX: high.longitude, maxY: high.latitude)
  }
}

/// One tile address in the XYZ scheme (y counted from the north).
public struct TileAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// Zoom level, 0 ... 24.
  public var z: Int
  /// Column, 0 ..< 2^z from the west.
  public var x: Int
  /// Row, 0 ..< 2^z from the north.
  public var y: Int

  /// The address `z/x/y`.
  public init(z: Int, x: Int, y: Int) {
    self.z = z
    self.x = x
    self.y = y
  }

  /// The PMTiles v3 tile id: the tiles of all lower zooms, then the position of
  /// (x, y) along the Hilbert curve of this zoom.
  public var pmtilesID: UInt64 {
    var id: UInt64 = 0
    for level in 0..<z { id += UInt64(1) << (2 * UInt64(level)) }
    return id + HilbertCurve.position(x: UInt64(x), y: UInt64(y), order: z)
  }

  /// Orders by PMTiles tile id (zoom first, then along the Hilbert curve).
  public static func < (a: TileAddress, b: TileAddress) -> Bool { a.pmtilesID < b.pmtilesID }

  /// `z/x/y`.
  public var description: String { "\(z)/\(x)/\(y)" }
}
