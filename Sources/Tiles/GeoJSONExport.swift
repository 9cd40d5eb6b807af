import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// `territory convert IN out.geojson`: one layer of any format and CRS to RFC 7946
/// GeoJSON with `GeoJSONWriter`, streaming, every feature and attribute kept.
public enum GeoJSONExport {
  /// Exports `layer` (the only layer when `nil`) of `input` to `output`.
  /// - Parameters:
  ///   - sourceCRS: a CRS to assume for the input instead of the file's.
  ///   - makeValid: repair invalid geometries (GEOS make-valid).
  ///   - decimals: coordinate decimals; `boundingBoxes`: write `bbox` members.
  /// - Returns: the conversion report (one layer).
  /// - Throws: `GDALError`, `ConversionError`, `PROJError`, `GEOSError`, `OutputError`.
  public static func run(
    input: String, output: String, layer name: String?, sourceCRS: CRS?, makeValid: Bool,
    decimals: Int,
    boundingBoxes: Bool, policy: ExistingOutputPolicy
  ) throws -> ConversionReport {
    let dataset = try VectorDataset(path: input)
    if name == nil && dataset.layerCount > 1 {
      throw GDALError.singleLayerFormat(path: output, format: "GeoJSON", layers: dataset.layerNames)
    }
    let layer = try name.map(dataset.layer(named:)) ?? dataset.layer(at: 0)
    if (layer.featureCount() ?? 0) == 0 {
      throw GDALError.emptyLayer(path: input, layer: layer.name)
    }
    guard let crs = sourceCRS ?? layer.crs else {
      throw ConversionError.missingSourceCRS(path: input, layer: layer.name)
    }
    let wgs84 = try CRS.wgs84
    let transformer = try Transformer.unlessEquivalent(from: crs, to: wgs84)
    let names = layer.fields.map(\.name)
    let writer = try GeoJSONWriter(
      path: output, decimals: decimals, boundingBoxes: boundingBoxes, policy: policy)
    var entry = ConversionReport.Layer(name: layer.name)
    entry.crs = wgs84
    entry.geometryType = layer.geometryType
    do {
      try layer.forEachFeature { feature in
        entry.read += 1
        var geometry = feature.geometry
        if var shape = geometry {
          if let transformer {
            shape = try transformer.transform(shape)
          }
          if !shape.isValid {
            entry.invalid += 1
            if entry.firstInvalidIDs.count < 5 { entry.firstInvalidIDs.append(feature.id) }
            if makeValid {
              shape = try shape.makeValid()
              if layer.geometryType.isPolygonal { shape = try shape.polygonalPart() }
              entry.repaired += 1
            }
          }
          geometry = shape
        } else {
          entry.nullGeometries += 1
        }
        try writer.write(
          properties: Array(zip(names, feature.attributes)).map { ($0.0, $0.1) }, geometry: geometry
        )
        entry.written += 1
      }
      try writer.commit()
    } catch {
      writer.discard()
      throw error
    }
    var report = ConversionReport(path: output, format: .geoJSON)
    report.layers = [entry]
    return report
  }
}
