import GEOSKit
import GeoCore
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
      guard let domain = sourceDomain else { throw error }
      return try transform(try geometry.clipped(to: domain))
    }
  }

  /// The part of `geometry` (in the source CRS) within the source CRS's area of
  /// use, or `nil` when the CRS declares none.
  /// - Throws: `GEOSError`.
  public func clippedToSourceDomain(_ geometry: Geometry) throws -> Geometry? {
    guard let domain = sourceDomain else { return nil }
    return try geometry.clipped(to: domain)
  }

  /// `box` transformed (`transformBounds`), or, when it reaches past the source
  /// CRS's domain (a world raster in EPSG:6933), its part within the source
  /// CRS's area of use, transformed.
  /// - Throws: `PROJError` when even that part cannot be transformed.
  public func transformBoundsWithinDomain(_ box: Envelope) throws(PROJError) -> Envelope {
    do {
      return try transformBounds(box)
    } catch {
      guard let domain = sourceDomain, domain.intersects(box) else { throw error }
      return try transformBounds(
        Envelope(
          minX: max(box.minX, domain.minX), minY: max(box.minY, domain.minY),
          maxX: min(box.maxX, domain.maxX), maxY: min(box.maxY, domain.maxY)))
    }
  }

  /// The source CRS's area of use in its own coordinates, when it has one.
  private var sourceDomain: Envelope? {
    guard let area = source.areaOfUse?.bounds else { return nil }
    return try? Transformer(from: CRS.wgs84, to: source).transformBounds(area)
  }
}
