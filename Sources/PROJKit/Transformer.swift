internal import CPROJ
import GeoCore

/// Transforms coordinates from one CRS to another with PROJ.
///
/// Axis order is always x = easting or longitude, y = northing or latitude, whatever
/// the CRSs declare (`proj_normalize_for_visualization`). PROJ picks the most
/// accurate operation available without network access or downloaded grids.
///
/// Not `Sendable`: a transformer belongs to the PROJ context of the thread that
/// made it. Make one per thread (they are cheap once PROJ's database is warm).
public final class Transformer {
  private let operation: PJObject
  /// The CRS coordinates come from.
  public let source: CRS
  /// The CRS coordinates go to.
  public let target: CRS

  /// Sets up the transformation (`proj_create_crs_to_crs_from_pj`).
  /// - Throws: `PROJError.noTransformation` when PROJ finds no operation.
  public init(from source: CRS, to target: CRS) throws(PROJError) {
    self.source = source
    self.target = target
    let context = PROJContext.current
    context.reset()
    guard let sourceHandle = proj_create(context.handle, source.wkt) else {
      throw .unknownCRS(definition: source.definition, message: context.lastMessage())
    }
    defer { proj_destroy(sourceHandle) }
    guard let targetHandle = proj_create(context.handle, target.wkt) else {
      throw .unknownCRS(definition: target.definition, message: context.lastMessage())
    }
    defer { proj_destroy(targetHandle) }
    guard
      let raw = proj_create_crs_to_crs_from_pj(
        context.handle, sourceHandle, targetHandle, nil, nil)
    else {
      throw .noTransformation(
        from: source.description, to: target.description, message: context.lastMessage())
    }
    defer { proj_destroy(raw) }
    guard let normalized = proj_normalize_for_visualization(context.handle, raw) else {
      throw .noTransformation(
        from: source.description, to: target.description, message: context.lastMessage())
    }
    operation = PJObject(normalized, context)
  }

  /// The calling thread's transformer from `source` to `target`: made on the
  /// thread's first call for the pair and kept while the thread lives, for work
  /// cut into many parts on worker threads. Making one takes about 1.4 ms (PROJ's
  /// database), and tiling 105,000 cells made two for each of 26 batches.
  /// - Throws: `PROJError.noTransformation` when PROJ finds no operation.
  public static func perThread(from source: CRS, to target: CRS) throws(PROJError)
    -> Transformer
  {
    let context = PROJContext.current
    let key = source.wkt + "\u{0}" + target.wkt
    if let known = context.transformers[key] { return known }
    let made = try Transformer(from: source, to: target)
    context.transformers[key] = made
    return made
  }

  /// Transforms one point (`proj_trans`).
  /// - Throws: `PROJError.transformFailed` when the point cannot be transformed.
  public func transform(x: Double, y: Double) throws(PROJError) -> (x: Double, y: Double) {
    proj_errno_reset(operation.handle)
    let result = proj_trans(operation.handle, PJ_FWD, proj_coord(x, y, 0, .infinity))
    let out = (x: result.xy.x, y: result.xy.y)
    guard out.x.isFinite, out.y.isFinite else { throw failure(x, y) }
    return out
  }

  /// Transforms many points in place (`proj_trans_generic`), much faster than one
  /// call per point.
  /// - Parameters:
  ///   - xs: the x coordinates, replaced by the transformed ones.
  ///   - ys: the y coordinates (same count as `xs`), replaced likewise.
  /// - Throws: `PROJError.transformFailed` naming the first point that failed.
  public func transform(xs: inout [Double], ys: inout [Double]) throws(PROJError) {
    precondition(xs.count == ys.count, "xs and ys must have the same count")
    let originalX = xs
    let originalY = ys
    proj_errno_reset(operation.handle)
    let count = xs.count
    let stride = MemoryLayout<Double>.stride
    xs.withUnsafeMutableBufferPointer { x in
      ys.withUnsafeMutableBufferPointer { y in
        _ = proj_trans_generic(
          operation.handle, PJ_FWD, x.baseAddress, stride, count, y.baseAddress, stride, count,
          nil, 0, 0, nil, 0, 0)
      }
    }
    for index in 0..<count where !xs[index].isFinite || !ys[index].isFinite {
      throw failure(originalX[index], originalY[index])
    }
  }

  /// Transforms a bounding box, following its edges (densified with
  /// `densifyPoints` points each) so that curved edges are enclosed
  /// (`proj_trans_bounds`). A box crossing the antimeridian in a geographic
  /// target comes back with `minX > maxX` reordered to the full longitude span.
  /// - Throws: `PROJError.transformFailed` when the box cannot be transformed.
  public func transformBounds(_ box: Envelope, densifyPoints: Int = 21) throws(PROJError)
    -> Envelope
  {
    var minX = 0.0
    var minY = 0.0
    var maxX = 0.0
    var maxY = 0.0
    operation.context.reset()
    let ok = proj_trans_bounds(
      operation.context.handle, operation.handle, PJ_FWD, box.minX, box.minY, box.maxX, box.maxY,
      &minX, &minY, &maxX, &maxY, Int32(densifyPoints))
    guard ok == 1, minX.isFinite, minY.isFinite, maxX.isFinite, maxY.isFinite else {
      throw failure(box.minX, box.minY)
    }
    if minX > maxX { return Envelope(minX: -180, minY: minY, maxX: 180, maxY: maxY) }
    return Envelope(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
  }

  private func failure(_ x: Double, _ y: Double) -> PROJError {
    let number = proj_errno(operation.handle)
    var message = operation.context.lastMessage()
    if number != 0, let text = proj_context_errno_string(operation.context.handle, number) {
      message = String(cString: text)
    }
    return .transformFailed(
      x: x, y: y, from: source.description, to: target.description, message: message)
  }
}
