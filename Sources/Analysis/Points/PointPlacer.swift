import GeoCore
import PROJKit

/// Brings points into the working CRS, or says they cannot be placed there: a
/// point outside the area the working CRS is defined for (its area of use,
/// widened by `margin` degrees) is not placed, nor one PROJ cannot transform.
/// Such points fall in no zone and are counted, instead of stopping the job
/// (world cities on a Luxembourg site) or landing at meaningless coordinates
/// (a transverse Mercator 130° away from its meridian). Points already in the
/// working CRS are taken as they are.
struct PointPlacer {
  /// Degrees added around the area of use: projections stay usable a little
  /// beyond it, and a site near its edge keeps its points.
  static let margin = 5.0

  private let transformer: Transformer?
  private let toDegrees: Transformer?
  private let area: Envelope?

  /// A placer from `source` to `working`.
  /// - Throws: `PROJError` when no transformation between them exists.
  init(from source: CRS, to working: CRS) throws {
    transformer = try Transformer.unlessEquivalent(from: source, to: working)
    // Points already in the working CRS are placed as they are.
    let moves = transformer != nil
    toDegrees = !moves || source.isGeographic ? nil : try Transformer(from: source, to: CRS.wgs84)
    area = working.areaOfUse.flatMap { use in
      guard moves else { return nil }
      return Envelope(
        minX: use.bounds.minX - Self.margin, minY: max(-90, use.bounds.minY - Self.margin),
        maxX: use.bounds.maxX + Self.margin, maxY: min(90, use.bounds.maxY + Self.margin))
    }
  }

  /// The point in the working CRS, or `nil` when it cannot be placed there.
  func place(_ point: SIMD2<Double>) -> SIMD2<Double>? {
    if let area {
      let degrees: (x: Double, y: Double)?
      if let toDegrees {
        degrees = try? toDegrees.transform(x: point.x, y: point.y)
      } else {
        degrees = (point.x, point.y)
      }
      guard let degrees, Self.contains(area, degrees.x, degrees.y) else { return nil }
    }
    guard let transformer else { return point }
    guard let moved = try? transformer.transform(x: point.x, y: point.y) else { return nil }
    return SIMD2(moved.x, moved.y)
  }

  /// Whether the box (in degrees, widened past ±180 by the margin) holds the point.
  private static func contains(_ box: Envelope, _ x: Double, _ y: Double) -> Bool {
    guard y >= box.minY && y <= box.maxY else { return false }
    return [x, x - 360, x + 360].contains { $0 >= box.minX && $0 <= box.maxX }
  }
}
