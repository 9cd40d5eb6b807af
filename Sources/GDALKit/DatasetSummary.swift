import GeoCore
import PROJKit

/// What `territory info` reports about a file: its layers for vector data, its
/// size, bands and georeferencing for a raster. `Codable` for `--json`.
public struct DatasetSummary: Sendable, Codable {
  /// How a CRS is reported.
  public struct CRSSummary: Sendable, Codable, Hashable {
    /// PROJ's name of the CRS.
    public var name: String
    /// The EPSG code, when known.
    public var epsg: Int?
    /// `geographic`, `projected`, ...
    public var kind: String
    /// The unit of the first axis.
    public var unit: String
    /// The datum's name (`"unknown"` when the file does not say).
    public var datum: String?

    /// Summarises `crs`.
    public init(_ crs: CRS) {
      name = crs.name
      epsg = crs.epsgCode
      kind = crs.kind.rawValue
      unit = crs.axisUnit
      datum = crs.datumName
    }
  }

  /// One vector layer.
  public struct Layer: Sendable, Codable {
    /// The layer's name.
    public var name: String
    /// The declared geometry type, with ` Z` when it has Z.
    public var geometryType: String
    /// The number of features; `nil` (JSON `null`) when the format cannot tell it
    /// without reading every feature (OpenStreetMap files).
    public var featureCount: Int?
    /// The layer's CRS, when declared.
    public var crs: CRSSummary?
    /// `[minX, minY, maxX, maxY]` in the layer's CRS; absent for an empty layer.
    public var extent: [Double]?
    /// The attribute fields.
    public var fields: [Field]
    /// What the file says about itself that does not add up (`integrityWarnings`).
    public var warnings: [String]? = nil
  }

  /// One raster band.
  public struct Band: Sendable, Codable {
    /// The band number, from 1.
    public var index: Int
    /// GDAL's name of the pixel type (`Float32`).
    public var dataType: String
    /// The nodata value, when declared.
    public var noData: Double?
  }

  /// The path given (a connection's password shown as `***`).
  public var path: String
  /// `vector` or `raster`.
  public var kind: String
  /// GDAL's driver short name.
  public var driver: String
  /// The layers of vector data.
  public var layers: [Layer]?
  /// Raster size in columns.
  public var width: Int?
  /// Raster size in rows.
  public var height: Int?
  /// Raster bands.
  public var bands: [Band]?
  /// Raster pixel size `[x, y]` in CRS units.
  public var pixelSize: [Double]?
  /// Raster CRS.
  public var crs: CRSSummary?
  /// Raster extent `[minX, minY, maxX, maxY]`.
  public var extent: [Double]?

  /// Reads the summary of the vector or raster dataset at `path`.
  /// - Throws: `GDALError` when the file is missing or unreadable.
  public init(path: String) throws(GDALError) {
    self.path = PostgreSQLConnection.masked(path)
    do {
      let dataset = try VectorDataset(path: path)
      kind = "vector"
      driver = dataset.driverName
      layers = dataset.layers.map { layer in
        let info = layer.info
        return Layer(
          name: info.name,
          geometryType: info.geometryType.rawValue + (info.hasZ ? " Z" : ""),
          featureCount: info.featureCount, crs: info.crs.map(CRSSummary.init),
          extent: info.extent.map { [$0.minX, $0.minY, $0.maxX, $0.maxY] }, fields: info.fields,
          warnings: layer.integrityWarnings.isEmpty ? nil : layer.integrityWarnings)
      }
    } catch .notVector {
      let raster = try RasterDataset(path: path)
      kind = "raster"
      driver = raster.driverName
      width = raster.width
      height = raster.height
      bands = try (1...max(1, raster.bandCount)).prefix(raster.bandCount).map {
        index throws(GDALError) in
        Band(
          index: index, dataType: try raster.dataTypeName(band: index),
          noData: try raster.noDataValue(band: index))
      }
      pixelSize = raster.pixelSize.map { [$0.x, $0.y] }
      crs = raster.crs.map(CRSSummary.init)
      extent = raster.extent.map { [$0.minX, $0.minY, $0.maxX, $0.maxY] }
    }
  }
}
