import GeoCore

/// A layer's drawing style as QGIS keeps it inside a GeoPackage: a row of the
/// `layer_styles` table, which QGIS reads when it opens the layer, so that the
/// layer comes up already styled (the default style), with the others offered
/// under Layer Properties › Style.
public struct LayerStyle: Sendable, Equatable {
  /// The styled layer (its table name).
  public var table: String
  /// The layer's geometry column (`geom` in the GeoPackages GDAL writes).
  public var geometryColumn: String
  /// The style's name (QGIS lists styles by it).
  public var name: String
  /// The style as a QGIS style document (QML).
  public var qml: String
  /// A sentence on what the style shows.
  public var description: String
  /// Whether QGIS applies it when it opens the layer (one per layer).
  public var isDefault: Bool

  /// Creates a style row.
  public init(
    table: String, geometryColumn: String = "geom", name: String, qml: String,
    description: String, isDefault: Bool
  ) {
    self.table = table
    self.geometryColumn = geometryColumn
    self.name = name
    self.qml = qml
    self.description = description
    self.isDefault = isDefault
  }

  /// The columns of the table, as QGIS creates it.
  static let fields = [
    Field(name: "f_table_catalog", type: .string, width: 256),
    Field(name: "f_table_schema", type: .string, width: 256),
    Field(name: "f_table_name", type: .string, width: 256),
    Field(name: "f_geometry_column", type: .string, width: 256),
    Field(name: "styleName", type: .string, width: 30),
    Field(name: "styleQML", type: .string),
    Field(name: "styleSLD", type: .string),
    Field(name: "useAsDefault", type: .boolean),
    Field(name: "description", type: .string),
    Field(name: "owner", type: .string, width: 30),
    Field(name: "ui", type: .string, width: 30),
    Field(name: "update_time", type: .dateTime),
  ]

  /// The row: an empty catalog, schema and owner, as QGIS writes them in a
  /// GeoPackage; no SLD; no time, so that the same analysis gives the same bytes.
  var attributes: [FieldValue] {
    [
      .string(""), .string(""), .string(table), .string(geometryColumn), .string(name),
      .string(qml), .string(""), .boolean(isDefault), .string(description), .string(""), .null,
      .null,
    ]
  }
}

extension VectorWriter {
  /// Writes `styles` as the GeoPackage's `layer_styles` table (an attributes
  /// table, its identifier column `id` as QGIS names it).
  /// - Throws: `GDALError.writeFailed` for a format other than GeoPackage, or
  ///   with GDAL's message.
  public func addLayerStyles(_ styles: [LayerStyle]) throws(GDALError) {
    guard format == .geoPackage else {
      throw .writeFailed(path: path, detail: "layer styles are kept in a GeoPackage only")
    }
    let layer = try addLayer(
      name: "layer_styles", geometryType: .none, hasZ: false, crs: nil,
      fields: LayerStyle.fields, options: ["FID=id"])
    for (index, style) in styles.enumerated() {
      try write(
        Feature(id: Int64(index + 1), attributes: style.attributes, geometry: nil), toLayer: layer)
    }
  }
}
