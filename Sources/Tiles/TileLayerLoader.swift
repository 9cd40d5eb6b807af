import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// Reads one vector layer of any format and CRS into a `TileLayer`: every geometry
/// projected to longitude/latitude in bulk (one PROJ call per feature), cut at the
/// antimeridian where it crosses it, then put in the Web Mercator unit square.
public enum TileLayerLoader {
  /// Which fields become tile attributes.
  public enum FieldSelection: Sendable, Equatable {
    /// Every field.
    case all
    /// Only these (`-y`).
    case only([String])
    /// All but these (`-x`).
    case except([String])
  }

  /// Loads `layer` (the first when `nil`) of `path` as the MVT layer `name`
  /// (the source layer's name when `nil`).
  /// Selected fields the layer does not have are ignored here: with several
  /// inputs, `VectorTileJob` refuses only names that no input has.
  /// - Throws: `GDALError.missingCRS` without a CRS or `assumedCRS`,
  ///   `GDALError` and `PROJError` from reading and projecting.
  public static func load(
    path: String, layer layerName: String? = nil, name: String? = nil,
    fields selection: FieldSelection = .all, assumedCRS: CRS? = nil
  ) throws -> TileLayer {
    // The assumed CRS is for layers that declare none; a declared CRS wins.
    let layer = try LayerSource(path: path, layer: layerName, fallbackCRS: assumedCRS).open()
    let all = layer.fields
    let names = all.map(\.name)
    let kept: [Int]
    switch selection {
    case .all: kept = Array(all.indices)
    case .only(let list): kept = all.indices.filter { list.contains(names[$0]) }
    case .except(let list): kept = all.indices.filter { !list.contains(names[$0]) }
    }
    var result = TileLayer(name: name ?? layer.name, fields: kept.map { all[$0] }, features: [])
    result.sourceFields = names
    let transformer = try layer.transformer(to: CRS.wgs84)
    try layer.forEachFeature { feature in
      guard let geometry = feature.geometry, !geometry.isEmpty else {
        result.featuresWithoutGeometry += 1
        return
      }
      let attributes = kept.map { feature.attributes[$0] }
      let shapes: [TileGeometry]
      do {
        shapes = try project(geometry, transformer)
      } catch let error as OutsideGlobe {
        throw TilesError.outsideGlobe(
          path: layer.path, layer: layer.name, feature: feature.id,
          longitude: error.coordinate.x, latitude: error.coordinate.y)
      }
      for shape in shapes {
        result.features.append(TileFeature(id: feature.id, geometry: shape, attributes: attributes))
      }
    }
    return result
  }

  /// The geometry as up to three tile geometries (polygons, lines, points), in the
  /// unit square. A geometry reaching past its CRS's domain (a world grid's edge
  /// cells in EPSG:6933) is tiled by its part within the CRS's area of use.
  static func project(_ geometry: Geometry, _ transformer: Transformer?) throws -> [TileGeometry] {
    let lonLat: GeoShape?
    do {
      lonLat = try GeoShape.lonLat([geometry], transformer)[0]
    } catch let error as PROJError {
      guard let transformer, let inside = try transformer.clippedToSourceDomain(geometry) else {
        throw error
      }
      lonLat = inside.isEmpty ? nil : try GeoShape.lonLat([inside], transformer)[0]
    }
    guard let shape = lonLat else { return [] }
    let (polygons, lines, points) = shape.parts
    func world(_ p: SIMD2<Double>) -> SIMD2<Double> {
      WebMercator.world(longitude: p.x, latitude: p.y)
    }
    var shapes: [TileGeometry] = []
    if !polygons.isEmpty { shapes.append(.polygons(polygons.map { $0.map { $0.map(world) } })) }
    let longLines = lines.filter { $0.count >= 2 }
    if !longLines.isEmpty { shapes.append(.lines(longLines.map { $0.map(world) })) }
    if !points.isEmpty { shapes.append(.points(points.map(world))) }
    return shapes
  }
}
