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
  /// - Throws: `TilesError.missingCRS` without a CRS or `assumedCRS`,
  ///   `GDALError` and `PROJError` from reading and projecting.
  public static func load(
    path: String, layer layerName: String? = nil, name: String? = nil,
    fields selection: FieldSelection = .all, assumedCRS: CRS? = nil
  ) throws -> TileLayer {
    let dataset = try VectorDataset(path: path)
    let layer = try layerName.map(dataset.layer(named:)) ?? dataset.layer(at: 0)
    // The assumed CRS is for layers that declare none; a declared CRS wins.
    guard let crs = layer.crs ?? assumedCRS else {
      throw TilesError.missingCRS(path: path, layer: layer.name)
    }
    let all = layer.fields
    let names = all.map(\.name)
    let kept: [Int]
    switch selection {
    case .all: kept = Array(all.indices)
    case .only(let list): kept = all.indices.filter { list.contains(names[$0]) }
    case .except(let list): kept = all.indices.filter { !list.contains(names[$0]) }
    }
    let transformer = try Transformer.unlessEquivalent(from: crs, to: CRS.wgs84)
    var result = TileLayer(name: name ?? layer.name, fields: kept.map { all[$0] }, features: [])
    result.sourceFields = names
    try layer.forEachFeature { feature in
      guard let geometry = feature.geometry, !geometry.isEmpty else {
        result.featuresWithoutGeometry += 1
        return
      }
      let attributes = kept.map { feature.attributes[$0] }
      for shape in try project(geometry, transformer) {
        result.features.append(TileFeature(id: feature.id, geometry: shape, attributes: attributes))
      }
    }
    return result
  }

  /// The geometry as up to three tile geometries (polygons, lines, points), in the
  /// unit square.
  static func project(_ geometry: Geometry, _ transformer: Transformer?) throws -> [TileGeometry] {
    var polygons = geometry.polygonRings()
    var lines = geometry.lineStrings()
    var points = geometry.pointList()
    if let transformer {
      try transform(&polygons, &lines, &points, transformer)
    }
    if polygons.contains(where: { $0.contains(where: jumps) }) || lines.contains(where: jumps) {
      let cut = try Antimeridian.cut(rebuild(polygons, lines))
      polygons = cut.polygonRings()
      lines = cut.lineStrings()
      points = cut.pointList()
    }
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

  /// Whether consecutive longitudes jump by more than 180°: the line crosses the antimeridian.
  private static func jumps(_ points: [SIMD2<Double>]) -> Bool {
    zip(points, points.dropFirst()).contains { abs($0.x - $1.x) > 180 }
  }

  private static func transform(
    _ polygons: inout [[[SIMD2<Double>]]], _ lines: inout [[SIMD2<Double>]],
    _ points: inout [SIMD2<Double>], _ transformer: Transformer
  ) throws {
    var xs: [Double] = []
    var ys: [Double] = []
    func gather(_ list: [SIMD2<Double>]) {
      for p in list {
        xs.append(p.x)
        ys.append(p.y)
      }
    }
    for polygon in polygons { polygon.forEach(gather) }
    lines.forEach(gather)
    gather(points)
    try transformer.transform(xs: &xs, ys: &ys)
    var index = 0
    func scatter(_ list: inout [SIMD2<Double>]) {
      for k in list.indices {
        list[k] = SIMD2(xs[index], ys[index])
        index += 1
      }
    }
    for p in polygons.indices { for r in polygons[p].indices { scatter(&polygons[p][r]) } }
    for l in lines.indices { scatter(&lines[l]) }
    scatter(&points)
  }

  private static func rebuild(
    _ polygons: [[[SIMD2<Double>]]], _ lines: [[SIMD2<Double>]]
  ) throws -> Geometry {
    if !polygons.isEmpty {
      let parts = try polygons.map { try Geometry.polygon(rings: $0) }
      return try Geometry.collection(.multiPolygon, of: parts)
    }
    let parts = try lines.map { line in
      try Geometry(
        wkt: "LINESTRING (" + line.map { "\($0.x) \($0.y)" }.joined(separator: ", ") + ")")
    }
    return try Geometry.collection(.multiLineString, of: parts)
  }
}
