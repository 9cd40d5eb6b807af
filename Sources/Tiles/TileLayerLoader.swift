import Dispatch
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
    fields selection: FieldSelection = .all, assumedCRS: CRS? = nil,
    threads: Int = ParallelChunks.defaultThreads
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
    var attributes = TileAttributeTable.Builder(fields: result.fields)
    let transformer = try layer.transformer(to: CRS.wgs84)
    // Projecting is about a third of loading a grid of 100,000 cells: batches are
    // projected on the other cores while the next one is read. GDAL and GEOS stay
    // on this thread; the workers make their own PROJ transformers.
    let crs = transformer == nil ? nil : try layer.requireCRS()
    // The batch being projected. Its features (and their GEOS geometries) stay
    // on this thread: only plain coordinates go to the workers.
    var pending: (features: [Feature], projection: Projection)?
    var batch: [Feature] = []
    var batchPoints = 0
    func finish(_ features: [Feature], _ projection: Projection) throws {
      projection.group.wait()
      for (feature, outcome) in zip(features, projection.outcomes) {
        let shapes: [TileGeometry]
        switch outcome {
        case .shapes(let projected): shapes = projected
        case .outside(let coordinate):
          throw TilesError.outsideGlobe(
            path: layer.path, layer: layer.name, feature: feature.id,
            longitude: coordinate.x, latitude: coordinate.y)
        case .retry:
          // Past the CRS's domain, or another PROJ failure: the single-feature
          // path clips to the domain (GEOS, so on this thread) or reports it.
          shapes = try projectReporting(feature, transformer, layer)
        }
        for shape in shapes {
          result.features.append(TileFeature(id: feature.id, geometry: shape, attributes: []))
          attributes.append(kept.lazy.map { feature.attributes[$0] })
        }
      }
    }
    func send() throws {
      let shapes = batch.map { $0.geometry.flatMap(GeoShape.init) }
      let job = Projection()
      if let (features, previous) = pending { try finish(features, previous) }
      pending = (batch, job)
      batch = []
      if threads <= 1 {
        job.outcomes = project(shapes, crs)
        return
      }
      job.group.enter()
      DispatchQueue.global().async {
        job.outcomes = project(shapes, crs, threads: threads)
        job.group.leave()
      }
    }
    try layer.forEachFeature { feature in
      guard let geometry = feature.geometry, !geometry.isEmpty else {
        result.featuresWithoutGeometry += 1
        return
      }
      batch.append(feature)
      batchPoints += geometry.pointCount
      if batch.count == batchSize || batchPoints >= batchPointLimit {
        batchPoints = 0
        try send()
      }
    }
    if !batch.isEmpty { try send() }
    if let (features, last) = pending { try finish(features, last) }
    // The features read their values from one table by field (`TileAttributeTable`).
    let table = attributes.finish()
    for index in result.features.indices {
      result.features[index].attributes = TileAttributeRow(table: table, row: index)
    }
    return result
  }

  /// Features read and projected together: at most this many, and no more
  /// once they hold `batchPointLimit` vertices. Two batches are held at once,
  /// as GEOS geometries, plain coordinates and projected shapes: batches of
  /// 4,096 communes of about 180 vertices each were the peak of tiling 8,750
  /// of them (about 70 MB, heaptrack).
  static let batchSize = 4096
  static let batchPointLimit = 1 << 17

  /// What projecting one feature gave.
  private enum Outcome: Sendable {
    case shapes([TileGeometry])
    /// A coordinate off the globe (longitude beyond ±180°, latitude beyond ±90°).
    case outside(SIMD2<Double>)
    /// PROJ failed: left to the single-feature path.
    case retry
  }

  /// A batch's projection in the background; `outcomes` is written before
  /// `group.leave()` and read after `group.wait()`.
  private final class Projection: @unchecked Sendable {
    let group = DispatchGroup()
    var outcomes: [Outcome] = []
  }

  /// The shapes projected from `crs` (unprojected when `nil`: the caller passes
  /// `nil` when the layer's CRS is equivalent to WGS 84) to the unit square, on
  /// `threads` threads, each with its own transformer, kept for the next batches.
  private static func project(_ shapes: [GeoShape?], _ crs: CRS?, threads: Int = 1) -> [Outcome] {
    let chunks = ParallelChunks.map(count: shapes.count, threads: threads) { range -> [Outcome] in
      let transformer: Transformer?
      do {
        transformer = try crs.map { try Transformer.perThread(from: $0, to: CRS.wgs84) }
      } catch {
        return range.map { _ in .retry }
      }
      return range.map { index in
        do {
          let lonLat = try GeoShape.lonLat(shapes: [shapes[index]], transformer)[0]
          return .shapes(tileGeometries(lonLat))
        } catch let error as OutsideGlobe {
          return .outside(error.coordinate)
        } catch {
          return .retry
        }
      }
    }
    return chunks.flatMap { $0 }
  }

  /// `project(_:_:)` of one feature, its coordinates off the globe reported as
  /// `TilesError.outsideGlobe`.
  private static func projectReporting(
    _ feature: Feature, _ transformer: Transformer?, _ layer: OpenedLayer
  ) throws -> [TileGeometry] {
    guard let geometry = feature.geometry else { return [] }
    do {
      return try project(geometry, transformer)
    } catch let error as OutsideGlobe {
      throw TilesError.outsideGlobe(
        path: layer.path, layer: layer.name, feature: feature.id,
        longitude: error.coordinate.x, latitude: error.coordinate.y)
    }
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
    return tileGeometries(lonLat)
  }

  /// A longitude/latitude shape as up to three tile geometries (polygons, lines,
  /// points) in the unit square.
  static func tileGeometries(_ lonLat: GeoShape?) -> [TileGeometry] {
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
