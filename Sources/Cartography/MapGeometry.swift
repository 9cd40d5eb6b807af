import Foundation
import GeoCore
import PROJKit

/// Measures of the map at its centre: the ground length of a CRS metre (for the
/// scale bar) and the direction of true north (for the north arrow).
public enum MapGeometry {
  /// Ground metres per CRS unit at `centre`, from the great-circle distance
  /// (mean Earth radius) between two points 100 units apart east-west.
  public static func groundScale(at centre: SIMD2<Double>, crs: CRS) throws -> Double {
    let toDegrees = try Transformer(from: crs, to: CRS.wgs84)
    let a = try toDegrees.transform(x: centre.x - 50, y: centre.y)
    let b = try toDegrees.transform(x: centre.x + 50, y: centre.y)
    return greatCircle(a, b) / 100
  }

  /// The angle of true north from the map's up direction at `centre`, in degrees,
  /// clockwise (the grid convergence of the CRS there).
  public static func northAngle(at centre: SIMD2<Double>, crs: CRS) throws -> Double {
    let toDegrees = try Transformer(from: crs, to: CRS.wgs84)
    let fromDegrees = try Transformer(from: CRS.wgs84, to: crs)
    let here = try toDegrees.transform(x: centre.x, y: centre.y)
    let north = try fromDegrees.transform(x: here.x, y: min(89.9, here.y + 0.001))
    return atan2(north.x - centre.x, north.y - centre.y) * 180 / .pi
  }

  /// The round length (1, 2 or 5 × 10ⁿ metres) closest below `maximum` metres.
  public static func roundLength(below maximum: Double) -> Double {
    guard maximum > 0 else { return 0 }
    let power = pow(10, (log10(maximum)).rounded(.down))
    for step in [5.0, 2, 1] where step * power <= maximum { return step * power }
    return power
  }

  static func greatCircle(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Double {
    let radius = 6_371_008.8
    let (lat1, lat2) = (a.y * .pi / 180, b.y * .pi / 180)
    let dLat = lat2 - lat1
    let dLon = (b.x - a.x) * .pi / 180
    let h = sin(dLat / 2) * sin(dLat / 2) + cos(lat1) * cos(lat2) * sin(dLon / 2) * sin(dLon / 2)
    return 2 * radius * asin(min(1, h.squareRoot()))
  }

  /// The bounds of every polygon, point and grid cell of the panels, and of
  /// their boundaries (outlines drawn over the data are never cut by the frame).
  public static func extent(_ panels: [MapPanel]) -> Envelope? {
    var box: Envelope?
    for panel in panels {
      if let cells = panel.cells?.extent { box = box.map { $0.union(cells) } ?? cells }
      for feature in panel.features {
        for point in feature.polygons.flatMap({ $0.first ?? [] }) + feature.points {
          let point = Envelope(minX: point.x, minY: point.y, maxX: point.x, maxY: point.y)
          box = box.map { $0.union(point) } ?? point
        }
      }
      for point in panel.boundaries.flatMap({ $0.first ?? [] }) {
        let point = Envelope(minX: point.x, minY: point.y, maxX: point.x, maxY: point.y)
        box = box.map { $0.union(point) } ?? point
      }
    }
    return box
  }
}
