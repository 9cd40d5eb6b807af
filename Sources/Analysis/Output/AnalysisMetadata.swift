import Foundation
import GDALKit

/// What an analysis output says about itself: the operation, the CRS, the rule
/// used for counts and the mass balance of every count. Written into GeoPackage
/// layer metadata and, for every format, into a sidecar `<output>.meta.json`.
public struct AnalysisMetadata: Sendable, Codable {
  /// `interpolate`, `grid`, `zonal`, ...
  public var operation: String
  /// The working CRS (`EPSG:31985`).
  public var crs: String
  /// The source file.
  public var source: String?
  /// Cells or targets written.
  public var targets: Int
  /// How extensive values were split (interpolation only).
  public var rule: String?
  /// One balance per extensive variable (interpolation only).
  public var balances: [MassBalance]?
  /// Other facts worth keeping (`grid`, `cell_size`, `mask`, ...).
  public var details: [String: String]

  /// Creates metadata.
  public init(
    operation: String, crs: String, source: String?, targets: Int, rule: String? = nil,
    balances: [MassBalance]? = nil, details: [String: String] = [:]
  ) {
    self.operation = operation
    self.crs = crs
    // Sources and targets may be database connections: no password is recorded.
    self.source = source.map(PostgreSQLConnection.masked)
    self.targets = targets
    self.rule = rule
    self.balances = balances
    self.details = details.mapValues(PostgreSQLConnection.masked)
  }

  /// The sidecar beside `path`: `out/grid.gpkg` gives `out/grid.gpkg.meta.json`
  /// (the full name, so that a `.csv` and a `.gpkg` of the same name do not clash).
  public static func sidecarPath(for path: String) -> String { path + ".meta.json" }

  /// Pretty JSON with sorted keys.
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }

  /// Flat key/value items for GDAL metadata.
  var gdalItems: [String: String] {
    var items = details
    items["TERRITORY_OPERATION"] = operation
    items["TERRITORY_CRS"] = crs
    if let rule { items["TERRITORY_RULE"] = rule }
    for balance in balances ?? [] {
      items["TERRITORY_BALANCE_\(balance.variable)"] =
        "in=\(balance.totalIn) out=\(balance.totalOut) outside=\(balance.outside)"
    }
    return items
  }
}
