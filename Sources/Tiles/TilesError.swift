import GDALKit

/// A request the tiler refuses, each naming what to change.
public enum TilesError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A field given to `-y`/`-x` or `--accumulate` is not in the layer.
  case unknownField(path: String, layer: String, field: String, available: [String])
  /// `--accumulate` names a field that is not numeric.
  case notNumeric(path: String, layer: String, field: String)
  /// Zooms outside 0 ... 24 or reversed.
  case zoomRange(minimum: Int, maximum: Int)
  /// The output path's extension names no tile format.
  case unknownOutput(path: String)
  /// The number of `-l` names differs from the number of inputs.
  case layerNames(names: Int, inputs: Int)
  /// Two inputs would give MVT layers of the same name.
  case duplicateLayer(name: String)
  /// The input is a raster where vector layers were expected, or the reverse.
  case mixedInputs(path: String)
  /// Colours from the raster's colour table were asked for, and it has none.
  case noColourTable(path: String)
  /// A raster's tile pyramid would have more tiles than allowed.
  case tooManyTiles(path: String, count: Int, maximum: Int, zooms: ClosedRange<Int>)
  /// A PostgreSQL input without a table named: a database holds many.
  case tableNeeded(connection: String)
  /// A feature has a coordinate off the globe once in longitude/latitude.
  case outsideGlobe(
    path: String, layer: String, feature: Int64, longitude: Double, latitude: Double)

  /// One line, for `error: ...`.
  public var description: String {
    switch self {
    case .unknownField(let path, let layer, let field, let available):
      return "\(path): layer '\(layer)' has no field '\(field)'; its fields are "
        + (available.isEmpty ? "none" : available.joined(separator: ", "))
    case .notNumeric(let path, let layer, let field):
      return "\(path): field '\(field)' of layer '\(layer)' is not numeric and cannot be summed"
    case .zoomRange(let minimum, let maximum):
      return "zoom range \(minimum)..\(maximum) is not within 0..24 with minimum <= maximum;"
        + " give zooms in that range"
    case .unknownOutput(let path):
      return "\(path): a tileset is written to NAME.pmtiles, NAME.mbtiles or a folder name"
        + " without an extension"
    case .layerNames(let names, let inputs):
      return "\(names) layer names for \(inputs) inputs; give one name per input or none"
    case .duplicateLayer(let name):
      return "two inputs give the layer name '\(name)'; name each input's layer apart"
    case .mixedInputs(let path):
      return "\(path) is a raster; raster tiles are made from one raster input alone"
    case .noColourTable(let path):
      return "\(path) has no colour table; colour it with a ramp (terrain, viridis, ...) instead"
    case .tooManyTiles(let path, let count, let maximum, let zooms):
      return
        "\(path): zooms \(zooms.lowerBound)-\(zooms.upperBound) over its extent make \(count) tiles, "
        + "more than the limit of \(maximum); lower the highest zoom or raise the limit"
    case .tableNeeded(let connection):
      return "\(PostgreSQLConnection.masked(connection)): name the table to tile with"
        + " -l schema.table (or --source-layer schema.table)"
    case .outsideGlobe(let path, let layer, let feature, let longitude, let latitude):
      return "\(path): feature \(feature) of layer '\(layer)' has the coordinate "
        + "(\(longitude), \(latitude)), off the globe (longitude -180..180, latitude -90..90);"
        + " check the layer's CRS and say the right one"
    }
  }
}
