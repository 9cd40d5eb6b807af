/// A failure reported by PROJ, naming what was asked and carrying PROJ's message.
public enum PROJError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The text given as a CRS was not understood (`EPSG:999999`, broken WKT, ...).
  case unknownCRS(definition: String, message: String)
  /// The definition is understood but is not a coordinate reference system
  /// (a bare conversion or an ellipsoid).
  case notACRS(definition: String)
  /// No transformation between the two CRSs could be set up.
  case noTransformation(from: String, to: String, message: String)
  /// A coordinate could not be transformed (outside the projection's domain, NaN, ...).
  case transformFailed(x: Double, y: Double, from: String, to: String, message: String)

  /// One line that names the CRS or the coordinate, and what to do.
  public var description: String {
    switch self {
    case .unknownCRS(let definition, let message):
      return
        "unknown CRS '\(definition)' (PROJ: \(message)); give an EPSG code such as EPSG:2154, a WKT or PROJJSON text, or a PROJ string"
    case .notACRS(let definition):
      return
        "'\(definition)' is not a coordinate reference system; give an EPSG code such as EPSG:4326 or a full CRS definition"
    case .noTransformation(let from, let to, let message):
      return "no transformation from \(from) to \(to) (PROJ: \(message))"
    case .transformFailed(let x, let y, let from, let to, let message):
      return "cannot transform (\(x), \(y)) from \(from) to \(to) (PROJ: \(message))"
    }
  }
}
