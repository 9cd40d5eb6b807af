import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// A site whose layers are read and projected to its working CRS, ready for the
/// scales: the units (sources of the interpolation and targets of their own
/// scales), the rasters and the points.
///
/// The first `units` layer provides the variables; other `units` and `zones`
/// layers serve as scales. Invalid unit geometries are repaired (make-valid) and
/// counted in `repairedUnits`.
public final class LoadedSite {
  /// The site's manifest.
  public let manifest: SiteManifest
  /// The working CRS.
  public let crs: CRS
  /// The layer whose variables are interpolated.
  public let unitsSpec: LayerSpec
  let units: [SourceUnit]
  /// The units as target polygons (for the `units` and `dissolve` scales).
  let unitsTargets: TargetLayer
  /// Units whose geometry was repaired.
  public let repairedUnits: Int
  let rasters: [(spec: LayerSpec, path: String, crs: CRS)]
  let points: [(spec: LayerSpec, locations: [SIMD2<Double>])]
  /// The polygons of the other layers the scales use (`units` and `zones` scales), by key.
  let scaleTargets: [String: TargetLayer]
  /// The earlier date's units, with the fields `analyses.change` compares.
  let earlierUnits: [SourceUnit]?
  /// Every point layer placed in the working CRS, by key (for catchments).
  let placedPoints: [String: [SIMD2<Double>]]
  /// The street network of catchments along the streets, with the catchment
  /// points placed on it and the times over the fine grid.
  let network: SiteNetwork?
  /// What loading changed or could not use, one line each (points that cannot
  /// be placed in the working CRS), for the job's report.
  public private(set) var notes: [String] = []
  /// Worker threads for the interpolations (default: every core); results do not depend on it.
  public var threads = ProcessInfo.processInfo.activeProcessorCount
  /// About how many cells of a grid scale are interpolated at a time
  /// (`ScaleTable.gridColumns`); the results do not depend on it. Tests lower it.
  var gridStripeCells = 1 << 18

  /// The extensive variables (counts) of the units layer.
  public var extensive: [String] {
    unitsSpec.variables.filter { $0.kind == .extensive }.map(\.name)
  }
  /// The intensive variables (rates) of the units layer.
  public var intensive: [String] {
    unitsSpec.variables.filter { $0.kind == .intensive }.map(\.name)
  }
  /// The categorical variables of the units layer.
  public var categorical: [String] {
    unitsSpec.variables.filter { $0.kind == .categorical }.map(\.name)
  }

  /// The full path of a layer's file, or its `PG:` connection as written.
  public static func path(of layer: LayerSpec, in manifest: SiteManifest) -> String {
    layer.path.hasPrefix("/") || PostgreSQLConnection.isConnection(layer.path)
      ? layer.path : (manifest.folder as NSString).appendingPathComponent(layer.path)
  }

  /// Checks the site and reads every layer the analyses need.
  /// - Throws: `SiteCheckFailure` when the check finds errors, and what
  ///   `init(_:layers:)` throws.
  public convenience init(_ manifest: SiteManifest) throws {
    let (report, layers) = SiteCheck.read(manifest)
    guard report.usable else { throw SiteCheckFailure(report: report) }
    try self.init(manifest, layers: layers)
  }

  /// Loads the site from the layers its check read (`SiteCheck.read`), without
  /// reading them again.
  /// - Throws: `SiteError` (no units layer, or a layer the check could not read),
  ///   `AnalysisError`, `GDALError`, `PROJError`, `GEOSError`.
  public init(_ manifest: SiteManifest, layers: SiteLayers) throws {
    self.manifest = manifest
    crs = try CRS(manifest.crs)
    guard crs.isProjected, crs.axisUnit.hasPrefix("met") else {
      throw AnalysisError.workingCRSNotProjected(crs: manifest.crs)
    }
    guard let unitsSpec = manifest.layers.first(where: { $0.role == .units }) else {
      throw SiteError(
        path: manifest.folder + "/site.yaml",
        message: "the site has no layer with role 'units'; declare one")
    }
    self.unitsSpec = unitsSpec
    func read(_ spec: LayerSpec) throws -> SiteLayers.Layer {
      guard let layer = layers[spec.key] else {
        throw SiteError(
          path: Self.path(of: spec, in: manifest),
          message: "layer '\(spec.key)' was not read by the site check; run 'territory site check'")
      }
      return layer
    }
    let unitsLayer = try read(unitsSpec)
    var request = SourceRequest(
      path: Self.path(of: unitsSpec, in: manifest), layer: unitsSpec.layer)
    request.extensive = unitsSpec.variables.filter { $0.kind == .extensive }.map(\.name)
    request.intensive = unitsSpec.variables.filter { $0.kind == .intensive }.map(\.name)
    request.categorical = unitsSpec.variables.filter { $0.kind == .categorical }.map(\.name)
    let loaded = try Self.naming(unitsSpec, manifest) {
      var builder = try SourceBuilder(
        request, fields: unitsLayer.fields, layer: unitsLayer.name, makeValid: true, mask: nil)
      for feature in unitsLayer.features { try builder.add(feature) }
      return try builder.finish()
    }
    units = loaded.units
    repairedUnits = loaded.report.repaired
    // The units as targets: the same repaired polygons, with every attribute.
    unitsTargets = TargetLayer(
      name: unitsLayer.name, fields: unitsLayer.fields,
      attributes: unitsLayer.features.map(\.attributes), geometries: loaded.units.map(\.shape),
      sourceCRS: unitsLayer.crs)
    var scaleTargets: [String: TargetLayer] = [:]
    for scale in manifest.scales {
      switch scale.kind {
      case .units(let key) where key != unitsSpec.key, .zones(let key):
        guard let spec = manifest.layer(key) else {
          throw SiteError(path: manifest.folder, message: "no layer '\(key)'")
        }
        let layer = try read(spec)
        scaleTargets[key] = try Self.naming(spec, manifest) {
          var targets = TargetLayer(
            name: layer.name, fields: layer.fields, attributes: [], geometries: [],
            sourceCRS: layer.crs)
          for feature in layer.features { try targets.append(feature) }
          if targets.attributes.isEmpty {
            throw AnalysisError.emptySource(
              path: Self.path(of: spec, in: manifest), layer: layer.name)
          }
          return targets
        }
      default: break
      }
    }
    self.scaleTargets = scaleTargets
    if let change = manifest.analyses.change, let spec = manifest.layer(change.before) {
      let layer = try read(spec)
      var request = SourceRequest(path: Self.path(of: spec, in: manifest), layer: spec.layer)
      request.extensive = change.pairs.map(\.before)
      earlierUnits = try Self.naming(spec, manifest) {
        var builder = try SourceBuilder(
          request, fields: layer.fields, layer: layer.name, makeValid: true, mask: nil)
        for feature in layer.features { try builder.add(feature) }
        return try builder.finish().units
      }
    } else {
      earlierUnits = nil
    }
    var placed = layers.layers.filter { key, _ in manifest.layer(key)?.role == .points }
      .mapValues(\.points)
    // Catchments around the vertices of a layer of another role.
    if let key = manifest.analyses.catchments?.points, placed[key] == nil,
      let spec = manifest.layer(key)
    {
      var vertices: [SIMD2<Double>] = []
      for feature in try read(spec).features {
        feature.geometry?.forEachCoordinate { x, y in vertices.append(SIMD2(x, y)) }
      }
      placed[key] = vertices
    }
    placedPoints = placed
    if let catchments = manifest.analyses.catchments, let key = catchments.network,
      let spec = manifest.layer(key), let points = placed[catchments.points]
    {
      let weight = unitsSpec.variables.first { $0.kind == .extensive }.map { (0, $0.name) }
      network = try SiteNetwork(
        manifest: manifest, network: spec, points: points, pointsKey: catchments.points,
        units: loaded.units, weight: weight, crs: crs, threads: threads)
    } else {
      network = nil
    }
    let zonal = manifest.analyses.zonal ?? manifest.layers.filter { $0.role == .raster }.map(\.key)
    rasters = try zonal.compactMap { key in
      guard let spec = manifest.layer(key) else { return nil }
      let path = Self.path(of: spec, in: manifest)
      let raster = try RasterDataset(path: path)
      guard let rasterCRS = try spec.crs.map({ try CRS($0) }) ?? raster.crs else {
        throw GDALError.missingCRS(path: path, layer: "band 1")
      }
      return (spec, path, rasterCRS)
    }
    let pointKeys =
      manifest.analyses.points ?? manifest.layers.filter { $0.role == .points }.map(\.key)
    var notes: [String] = []
    points = try pointKeys.compactMap { key in
      guard let spec = manifest.layer(key) else { return nil }
      let layer = try read(spec)
      let (locations, unplaceable) = (layer.points, layer.unplaceable)
      if unplaceable > 0 {
        notes.append(
          "\(key): \(unplaceable) point\(unplaceable == 1 ? "" : "s") cannot be placed in "
            + "\(manifest.crs) (outside the area it is defined for); they fall in no zone")
      }
      return (spec, locations)
    }
    self.notes = notes + (network?.notes ?? [])
  }

  /// `body`'s result; its error, if any, as a `SiteError` that names the layer.
  static func naming<T>(_ spec: LayerSpec, _ manifest: SiteManifest, _ body: () throws -> T)
    throws -> T
  {
    do {
      return try body()
    } catch let error as SiteError {
      throw error
    } catch {
      throw SiteError(
        path: path(of: spec, in: manifest),
        message: "layer '\(spec.key)': \(SiteCheck.describe(error))")
    }
  }

  /// The extent of the units in the working CRS.
  var unitsExtent: Envelope? {
    var extent: Envelope?
    for unit in units {
      for polygon in unit.polygons {
        guard let b = polygon.bounds else { continue }
        let box = Envelope(minX: b.min.x, minY: b.min.y, maxX: b.max.x, maxY: b.max.y)
        extent = extent.map { $0.union(box) } ?? box
      }
    }
    return extent
  }
}
