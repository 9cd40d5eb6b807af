import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// Reads what a map shows from vector layers: polygons and one numeric column,
/// projected for drawing.
public enum MapData {
  /// The polygons of `layer` in `path` with the values of `column`, projected:
  /// in `projection` when given (the other panels of small multiples); else in
  /// `crs` (the user's) when it suits the data; else in the layer's CRS if
  /// projected; else in the projection `MapProjection.choose(for:)` picks for
  /// the data's extent, with geometries cut along the meridian opposite its
  /// centre.
  /// `sourceCRS` is the CRS the layer is in, whatever its file declares.
  /// - Throws: `MapError.columnNotFound`, `.notNumeric`, `.unsuitableCRS`,
  ///   `GDALError`, `PROJError`.
  public static func load(
    path: String, layer name: String?, column: String, projection given: MapProjection? = nil,
    crs userCRS: CRS? = nil, sourceCRS: CRS? = nil, labels: String? = nil, sizes: String? = nil
  ) throws -> (features: [MapFeature], projection: MapProjection) {
    let layer = try LayerSource(path: path, layer: name, assumedCRS: sourceCRS).open()
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
    let source = try layer.requireCRS()
    // Features and their geometry in degrees (or in the layer's projected CRS
    // when that is the map's), projected once the map's CRS is known.
    var read: [(feature: Feature, geometry: Geometry)] = []
    let inDegrees = given?.seam != nil || userCRS != nil || (given == nil && !source.isProjected)
    try layer.forEachFeature(in: inDegrees ? try CRS.wgs84 : nil) { feature in
      guard let geometry = feature.geometry, !geometry.isEmpty else { return }
      read.append((feature, geometry))
    }
    let projection: MapProjection
    if let given {
      projection = given
    } else if inDegrees {
      let extent = GeographicExtent.covering(read.flatMap { partBoxes($0.geometry) })
      let suggested = try extent.map { try MapProjection.choose(for: $0) }
      if let userCRS {
        if let extent, let why = MapProjection.unsuitability(of: userCRS, for: extent) {
          throw MapError.unsuitableCRS(
            crs: userCRS.description, reason: why,
            suggestion: suggested.map { "\($0.caption), chosen when --crs is left out" } ?? "")
        }
        projection = MapProjection(crs: userCRS, reason: "the CRS asked for")
      } else {
        projection = try suggested ?? MapProjection(crs: CRS("EPSG:8857"), reason: "no geometry")
      }
    } else {
      projection = MapProjection(crs: source, reason: "the layer's own projected CRS")
    }
    let transformer = inDegrees ? try Transformer(from: CRS.wgs84, to: projection.crs) : nil
    var features: [MapFeature] = []
    features.reserveCapacity(read.count)
    for (feature, original) in read {
      var geometry = original
      if let transformer {
        do {
          geometry = try transformer.transform(try cut(original, along: projection.seam))
        } catch let error as PROJError {
          throw MapError.unsuitableCRS(
            crs: projection.crs.description, reason: error.description,
            suggestion: "a CRS whose area of use covers \(path)")
        }
      }
      var drawn = MapFeature(
        polygons: geometry.polygonRings(), value: feature.attributes[index].doubleValue)
      if geometry.type.isPuntal {
        geometry.forEachCoordinate { x, y in drawn.points.append(SIMD2(x, y)) }
      } else if sizeIndex != nil, let surface = try? geometry.pointOnSurface().pointCoordinates() {
        // Proportional circles of a polygon layer (the way to map a count):
        // one circle per feature, at a point inside it.
        drawn.points = [SIMD2(surface.x, surface.y)]
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
    return (features, projection)
  }

  /// The outlines of the polygons of `path` (first layer) in the map's projection.
  public static func outlines(
    path: String, layer name: String? = nil, projection: MapProjection
  ) throws -> [[[SIMD2<Double>]]] {
    let layer = try LayerSource(path: path, layer: name).open()
    let transformer = try Transformer(from: CRS.wgs84, to: projection.crs)
    var polygons: [[[SIMD2<Double>]]] = []
    try layer.forEachFeature(in: try CRS.wgs84) { feature in
      guard let geometry = feature.geometry, !geometry.isEmpty else { return }
      polygons += try transformer.transform(try cut(geometry, along: projection.seam))
        .polygonRings()
    }
    return polygons
  }

  /// One box per polygon (or point) of a geometry in degrees.
  static func partBoxes(_ geometry: Geometry) -> [Envelope] {
    let polygons = geometry.polygonRings()
    guard !polygons.isEmpty else { return geometry.envelope.map { [$0] } ?? [] }
    return polygons.compactMap { rings in
      guard let ring = rings.first, let first = ring.first else { return nil }
      return ring.reduce(Envelope(minX: first.x, minY: first.y, maxX: first.x, maxY: first.y)) {
        $0.union(Envelope(minX: $1.x, minY: $1.y, maxX: $1.x, maxY: $1.y))
      }
    }
  }

  /// `geometry` (degrees) cut along the meridian `seam`, when it straddles it.
  static func cut(_ geometry: Geometry, along seam: Double?) throws -> Geometry {
    guard let seam, let box = geometry.envelope, box.minX < seam, box.maxX > seam else {
      return geometry
    }
    let margin = 1e-7
    let west = try geometry.clipped(
      to: Envelope(minX: -180, minY: -90, maxX: seam - margin, maxY: 90))
    let east = try geometry.clipped(
      to: Envelope(minX: seam + margin, minY: -90, maxX: 180, maxY: 90))
    return try west.union(with: east)
  }
}
