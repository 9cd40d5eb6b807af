import Foundation

/// A vector format TerritoryKit writes, chosen from the output's extension.
public enum VectorFormat: String, Sendable, CaseIterable {
  /// GeoPackage (`.gpkg`): many layers, any CRS, typed fields.
  case geoPackage = "GeoPackage"
  /// GeoJSON (`.geojson`, `.json`), RFC 7946: WGS 84 longitude/latitude only.
  case geoJSON = "GeoJSON"
  /// Newline-delimited GeoJSON (`.geojsonl`, `.geojsons`, RFC 8142 without record separators).
  case geoJSONSequence = "GeoJSON sequence"
  /// FlatGeobuf (`.fgb`), with a spatial index.
  case flatGeobuf = "FlatGeobuf"
  /// ESRI Shapefile (`.shp` with its `.shx`, `.dbf`, `.prj`, `.cpg`), UTF-8 attributes.
  case shapefile = "Shapefile"
  /// CSV (`.csv`) with the geometry as a `WKT` column and a `.csvt` file of column types.
  case csv = "CSV"
  /// A PostGIS table (`PG:` connection and `--table`), written by `PostGISTableWriter`.
  case postGIS = "PostGIS table"

  /// The format for `path`'s extension (case-insensitive), or `nil`.
  public init?(path: String) {
    switch URL(fileURLWithPath: path).pathExtension.lowercased() {
    case "gpkg": self = .geoPackage
    case "geojson", "json": self = .geoJSON
    case "geojsonl", "geojsons", "geojsonseq": self = .geoJSONSequence
    case "fgb": self = .flatGeobuf
    case "shp": self = .shapefile
    case "csv": self = .csv
    default: return nil
    }
  }

  /// The extensions recognised, for error messages.
  public static let extensions = [".gpkg", ".geojson", ".geojsonl", ".fgb", ".shp", ".csv"]

  /// Whether one file holds several layers.
  public var holdsManyLayers: Bool { self == .geoPackage }

  /// Whether the format requires WGS 84 longitude/latitude (RFC 7946).
  public var requiresWGS84: Bool { self == .geoJSON || self == .geoJSONSequence }

  var driverName: String {
    switch self {
    case .geoPackage: return "GPKG"
    case .geoJSON: return "GeoJSON"
    case .geoJSONSequence: return "GeoJSONSeq"
    case .flatGeobuf: return "FlatGeobuf"
    case .shapefile: return "ESRI Shapefile"
    case .csv: return "CSV"
    case .postGIS: return "PostgreSQL"
    }
  }

  func layerOptions(decimals: Int) -> [String] {
    switch self {
    case .geoJSON: return ["RFC7946=YES", "COORDINATE_PRECISION=\(decimals)", "WRITE_NAME=NO"]
    case .geoJSONSequence: return ["RS=NO", "COORDINATE_PRECISION=\(decimals)"]
    case .flatGeobuf: return ["SPATIAL_INDEX=YES"]
    case .shapefile: return ["ENCODING=UTF-8"]
    case .csv: return ["GEOMETRY=AS_WKT", "CREATE_CSVT=YES", "STRING_QUOTING=IF_NEEDED"]
    // The writer packs the spatial index itself once the rows are in (VectorWriter.commit).
    case .geoPackage: return ["SPATIAL_INDEX=NO"]
    case .postGIS: return []
    }
  }
}
