import GDALKit

/// Why an analysis cannot run as asked; each case names the file, layer, field or
/// value and says what to do.
public enum AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A field declared as a count or rate holds text.
  case notNumeric(path: String, layer: String, field: String, type: String, kind: String)
  /// Source geometries are invalid and `--make-valid` was not given.
  case invalidGeometries(path: String, layer: String, count: Int, firstIDs: [Int64])
  /// The source layer has no polygon with a geometry.
  case emptySource(path: String, layer: String)
  /// The working CRS is not projected in metres.
  case workingCRSNotProjected(crs: String)
  /// A cell size of zero or less.
  case cellSizeNotPositive(value: Double)
  /// A grid would have more cells than allowed.
  case tooManyCells(count: Double, maximum: Int)
  /// No variable was named.
  case noVariables
  /// A raster band that does not exist.
  case bandNotFound(path: String, band: Int, count: Int)
  /// The in-database engine cannot run the job as asked; `problem` says why and what to do.
  case databaseEngine(problem: String)
  /// A `PG:` output without the table to write, or a table named for a file output.
  case outputTable(output: String, problem: String)
  /// Regions cannot be drawn as asked; `problem` says why and what to do.
  case regions(problem: String)

  /// One line naming what is wrong and what to do.
  public var description: String {
    switch self {
    case .notNumeric(let path, let layer, let field, let type, let kind):
      return
        "field '\(field)' of layer '\(layer)' in \(path) is \(type), but \(kind) variables must be numbers; declare it categorical or pick a numeric field"
    case .invalidGeometries(let path, let layer, let count, let ids):
      return
        "layer '\(layer)' of \(path) has \(count) invalid geometr\(count == 1 ? "y" : "ies") (first ids: \(ids.map(String.init).joined(separator: ", "))); repair them (make-valid) or fix them at the source"
    case .emptySource(let path, let layer):
      return "layer '\(layer)' of \(path) has no polygon with a geometry; nothing to interpolate"
    case .workingCRSNotProjected(let crs):
      return
        "\(crs) is not a projected CRS in metres; areas need one, e.g. EPSG:31985 (UTM 25S), EPSG:2154 (France), EPSG:3035 (Europe)"
    case .cellSizeNotPositive(let value):
      return "the cell size must be a positive number of metres, not \(value)"
    case .tooManyCells(let count, let maximum):
      return
        "that grid would have \(Int(count.rounded())) cells, more than the maximum of \(maximum); use larger cells, a smaller area, or raise the limit"
    case .noVariables:
      return "no variable to interpolate; name some counts, rates or categories"
    case .regions(let problem):
      return "cannot draw regions: \(problem)"
    case .databaseEngine(let problem):
      return "the in-database engine (--engine postgis) \(problem)"
    case .outputTable(let output, let problem):
      return "\(PostgreSQLConnection.masked(output)): \(problem)"
    case .bandNotFound(let path, let band, let count):
      return "\(path) has no band \(band); it has \(count) band\(count == 1 ? "" : "s")"
    }
  }
}
