import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// Reads what a map shows from vector layers: polygons and one numeric column,
/// projected for drawing.
public enum MapData {
  /// The polygons of `layer` in `path` with the values of `column`, in `crs`
  /// when given, else in the layer's CRS if projected, else in the UTM zone of
  /// the layer's centre (WGS 84) for a layer narrower than 20° of longitude, a
  /// Lambert azimuthal equal-area projection centred on it for a wider one, and
  /// Equal Earth (EPSG:8857) for a layer spanning most of the world.
  /// - Throws: `MapError.columnNotFound`, `.notNumeric`, `GDALError`, `PROJError`.
  public static func load(
    path: String, layer name: String?, column: String, crs target: CRS? = nil,
    labels: String? = nil,
    sizes: String? = nil
  ) throws -> (features: [MapFeature], crs: CRS) {
    let layer = try LayerSource(path: path, layer: name).open()
    let fields = layer.fields
    func find(_ name: String?, numeric: Bool) throws -> Int? {
      guard let name else { return nil }
      guard let found = fields.firstIndex(where: { $0.name == name }) else {
        throw MapError.columnNotFound(path: path, column: name, available: fields.map(\.name))
      }
      if numeric && !fields[found].type.isNumeric {
        throw MapError.notNumeric(path: path, column: name, type: fields[found].type.rawValue)
      }
      return found
    }
    let index = try find(column, numeric: true)!
    let labelIndex = try find(labels, numeric: false)
    let sizeIndex = try find(sizes, numeric: true)
    let crs = try target ?? drawingCRS(for: layer)
    var features: [MapFeature] = []
    try layer.forEachFeature(in: crs) { feature in
      guard let geometry = feature.geometry else { return }
      var drawn = MapFeature(
        polygons: geometry.polygonRings(), value: feature.attributes[index].doubleValue)
      if geometry.type.isPuntal {
        geometry.forEachCoordinate { x, y in drawn.points.append(SIMD2(x, y)) }
      }
      drawn.size = sizeIndex.flatMap { feature.attributes[$0].doubleValue }
      if let labelIndex, !feature.attributes[labelIndex].isNull {
        drawn.label = feature.attributes[labelIndex].description
        if let point = drawn.points.first {
          drawn.anchor = point
        } else if let surface = try? geometry.pointOnSurface().pointCoordinates() {
          drawn.anchor = SIMD2(surface.x, surface.y)
        }
      }
      features.append(drawn)
    }
    return (features, crs)
  }

  /// The outlines of the polygons of `path` (first layer) in `crs`.
  public static func outlines(path: String, layer name: String? = nil, crs: CRS) throws -> [[[SIMD2<
    Double
  >]]] {
    let layer = try LayerSource(path: path, layer: name).open()
    var polygons: [[[SIMD2<Double>]]] = []
    try layer.forEachFeature(in: crs) { feature in
      guard let geometry = feature.geometry else { return }
      polygons += geometry.polygonRings()
    }
    return polygons
  }

  /// The layer's CRS when projected; else the UTM zone, Lambert azimuthal or
  /// Equal Earth projection that suits its extent.
  private static func drawingCRS(for layer: OpenedLayer) throws -> CRS {
    let source = try layer.requireCRS()
    var crs = source
    if !source.isProjected, let extent = layer.layer.extent {
      let toDegrees = try Transformer(from: source, to: CRS.wgs84)
      let centre = try toDegrees.transform(
        x: (extent.minX + extent.maxX) / 2, y: (extent.minY + extent.maxY) / 2)
      let box = try toDegrees.transformBounds(extent)
      // Past a UTM zone's reach, transverse Mercator fails or distorts badly.
      if box.width > 120 || box.height > 90 {
        crs = try CRS("EPSG:8857")
      } else if box.width > 20 {
        crs = try CRS(
          "+proj=laea +lat_0=\(centre.y) +lon_0=\(centre.x) +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
        )
      } else {
        let zone = Int(((centre.x + 180) / 6).rounded(.down)) + 1
        crs = try CRS("EPSG:\(centre.y >= 0 ? 32600 + zone : 32700 + zone)")
      }
    }
    return crs
  }
}
