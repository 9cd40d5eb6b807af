internal import CGDAL
import GEOSKit
import GeoCore

/// A feature ready for GDAL: attributes and geometry as ISO WKB. Unlike
/// `Feature` (which holds a GEOS object) it is `Sendable`, so the reading
/// thread can hand it to the writing thread.
struct EncodedFeature: Sendable {
  /// The feature id in the source, for messages.
  var id: Int64
  /// The attribute values, in the layer's field order.
  var attributes: [FieldValue]
  /// The geometry as ISO WKB, or `nil` for none.
  var wkb: [UInt8]?

  /// Encodes `feature`.
  /// - Throws: `GDALError.writeFailed` naming `path` for NaN or infinite coordinates.
  init(_ feature: Feature, path: @autoclosure () -> String) throws(GDALError) {
    id = feature.id
    attributes = feature.attributes
    if let geometry = feature.geometry {
      guard geometry.hasFiniteCoordinates else {
        throw .writeFailed(
          path: path(), detail: "feature \(feature.id) has NaN or infinite coordinates")
      }
      wkb = geometry.wkb
    }
  }
}

/// Creates `feature` in `layer` (`OGR_L_CreateFeature`), its attributes in the
/// layer's field order; shared by the file and the table writers.
/// - Throws: `GDALError.writeFailed` naming `path` and the feature, with GDAL's message.
func createOGRFeature(
  _ feature: EncodedFeature, in layer: OGRLayerH, path: @autoclosure () -> String
) throws(GDALError) {
  guard let raw = OGR_F_Create(OGR_L_GetLayerDefn(layer)) else {
    throw .writeFailed(path: path(), detail: "cannot create a feature")
  }
  defer { OGR_F_Destroy(raw) }
  for (position, value) in feature.attributes.enumerated() {
    FieldKind.set(value, on: raw, at: Int32(position))
  }
  if let bytes = feature.wkb {
    var ogr: OGRGeometryH?
    let status = bytes.withUnsafeBytes { buffer in
      OGR_G_CreateFromWkbEx(buffer.baseAddress, nil, &ogr, buffer.count)
    }
    guard status == OGRERR_NONE, let ogr else {
      throw .writeFailed(path: path(), detail: "feature \(feature.id): cannot encode the geometry")
    }
    OGR_F_SetGeometryDirectly(raw, ogr)
  }
  let (status, messages) = withGDALMessages { OGR_L_CreateFeature(layer, raw) }
  guard status == OGRERR_NONE, messages.errors.isEmpty else {
    throw .writeFailed(path: path(), detail: "feature \(feature.id): \(messages.summary)")
  }
}

/// Adds `fields` to a new `layer` (`OGR_L_CreateField`, approximate types allowed).
/// - Throws: `GDALError.writeFailed` naming `path` and the field.
func createOGRFields(_ fields: [Field], in layer: OGRLayerH, path: String) throws(GDALError) {
  for field in fields {
    let definition = FieldKind.makeDefinition(field)
    defer { OGR_Fld_Destroy(definition) }
    let (status, messages) = withGDALMessages { OGR_L_CreateField(layer, definition, 1) }
    guard status == OGRERR_NONE else {
      throw .writeFailed(path: path, detail: "field '\(field.name)': \(messages.summary)")
    }
  }
}
