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
}
