import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// Reads what a map shows from vector layers: polygons and one numeric column,
/// projected for drawing.
public enum MapData {
  /// The polygons of `layer` in `path` with the values of `column`, in `crs`
  /// when given, else in the layer's CRS if projected, else in the UTM zone of
  /// the layer's centre (WGS 84).
  /// - Throws: `MapError.columnNotFound`, `.notNumeric`, `GDALError`, `PROJError`.
  public static func load(path: String, layer name: String?, column: String, crs target: CRS? = nil)
    throws
    -> (features: [MapFeature], crs: CRS)
  {
    let dataset = try VectorDataset(path: path)
    let layer = try name.map(dataset.layer(named:)) ?? dataset.layer(at: 0)
    let fields = layer.fields
    guard let index = fields.firstIndex(where: { $0.name == column }) else {
      throw MapError.columnNotFound(path: path, column: column, available: fields.map(\.name))
    }
    guard fields[index].type.isNumeric else {
      throw MapError.notNumeric(path: path, column: column, type: fields[index].type.rawValue)
    }
    let (transformer, crs) = try projection(for: layer, target: target)
    var features: [MapFeature] = []
    try layer.forEachFeature { feature in
      guard var geometry = feature.geometry else { return }
      if let transformer {
        geometry = try geometry.transformed { x, y in (x, y) = try transformer.transform(x: x, y: y)
        }
      }
      features.append(
        MapFeature(polygons: geometry.polygonRings(), value: feature.attributes[index].doubleValue))
    }
    return (features, crs)
  }

  /// The outlines of the polygons of `path` (first layer) in `crs`.
  public static func outlines(path: String, layer name: String? = nil, crs: CRS) throws -> [[[SIMD2<
    Double
  >]]] {
    let dataset = try VectorDataset(path: path)
    let layer = try name.map(dataset.layer(named:)) ?? dataset.layer(at: 0)
    let (transformer, _) = try projection(for: layer, target: crs)
    var polygons: [[[SIMD2<Double>]]] = []
    try layer.forEachFeature { feature in
      guard var geometry = feature.geometry else { return }
      if let transformer {
        geometry = try geometry.transformed { x, y in (x, y) = try transformer.transform(x: x, y: y)
        }
      }
      polygons += geometry.polygonRings()
    }
    return polygons
  }

  private static func projection(for layer: VectorLayer, target: CRS?) throws -> (Transformer?, CRS)
  {
    guard let source = layer.crs else {
      throw MapError.cannotDraw(
        path: layer.path,
        reason:
          "layer '\(layer.name)' declares no CRS; assign one first (territory convert --source-crs)"
      )
    }
    var crs = target ?? source
    if target == nil, !source.isProjected, let extent = layer.extent {
      let toDegrees = try Transformer(from: source, to: CRS.wgs84)
      let centre = try toDegrees.transform(
        x: (extent.minX + extent.maxX) / 2, y: (extent.minY + extent.maxY) / 2)
      let zone = Int(((centre.x + 180) / 6).rounded(.down)) + 1
      crs = try CRS("EPSG:\(centre.y >= 0 ? 32600 + zone : 32700 + zone)")
    }
    return (crs.isEquivalent(to: source) ? nil : try Transformer(from: source, to: crs), crs)
  }
}
