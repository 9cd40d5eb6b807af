import GEOSKit
import PROJKit

extension Transformer {
  /// A transformer from `source` to `target`, or `nil` when the two CRSs are
  /// equivalent and coordinates can stay as they are.
  /// - Throws: `PROJError.noTransformation` when PROJ finds no operation.
  public static func unlessEquivalent(from source: CRS, to target: CRS) throws(PROJError)
    -> Transformer?
  {
    source.isEquivalent(to: target) ? nil : try Transformer(from: source, to: target)
  }

  /// `geometry` with every (x, y) transformed; Z is kept (`Geometry.transformed`).
  /// - Throws: `PROJError` naming the first point that cannot be transformed, `GEOSError`.
  public func transform(_ geometry: Geometry) throws -> Geometry {
    try geometry.transformed { x, y in (x, y) = try transform(x: x, y: y) }
  }

  /// `geometry` transformed, or, when some of its points lie beyond the source
  /// CRS's domain (a world grid's edge cells past EPSG:6933's ±86° of latitude),
  /// the part of it within the source CRS's area of use, transformed.
  /// - Throws: `PROJError` when even that part cannot be transformed, `GEOSError`.
  public func transformWithinDomain(_ geometry: Geometry) throws -> Geometry {
    do {
      return try transform(geometry)
    } catch let error as PROJError {
      guard let area = source.areaOfUse?.bounds,
        let domain = try? Transformer(from: CRS.wgs84, to: source).transformBounds(area)
      else { throw error }
      return try transform(try geometry.clipped(to: domain))
    }
  }
}
