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
  /// What loading changed or could not use, one line each (points that cannot
  /// be placed in the working CRS), for the job's report.
  public private(set) var notes: [String] = []
  /// Worker threads for the interpolations (default: every core); results do not depend on it.
  public var threads = ProcessInfo.processInfo.activeProcessorCount

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

  /// The full path of a layer's file.
  public static func path(of layer: LayerSpec, in manifest: SiteManifest) -> String {
    layer.path.hasPrefix("/")
      ? layer.path : (manifest.folder as NSString).appendingPathComponent(layer.path)
  }

  /// Reads every layer the analyses need.
  /// - Throws: `SiteError` (no units layer), `AnalysisError`, `GDALError`, `PROJError`, `GEOSError`.
  public init(_ manifest: SiteManifest) throws {
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
    let unitsPath = Self.path(of: unitsSpec, in: manifest)
    let assumed = try unitsSpec.crs.map { try CRS($0) }
    var request = SourceRequest(path: unitsPath, layer: unitsSpec.layer)
    request.sourceCRS = assumed
    request.extensive = unitsSpec.variables.filter { $0.kind == .extensive }.map(\.name)
    request.intensive = unitsSpec.variables.filter { $0.kind == .intensive }.map(\.name)
    request.categorical = unitsSpec.variables.filter { $0.kind == .categorical }.map(\.name)
    request.makeValid = true
    let working = crs
    let (loaded, targets) = try Self.naming(unitsSpec, manifest) {
      (
        try SourceLoader.load(request, workingCRS: working),
        try TargetLayer.load(
          path: unitsPath, layer: unitsSpec.layer, workingCRS: working, assumedCRS: assumed)
      )
    }
    units = loaded.units
    repairedUnits = loaded.report.repaired
    unitsTargets = targets
    let zonal = manifest.analyses.zonal ?? manifest.layers.filter { $0.role == .raster }.map(\.key)
    rasters = try zonal.compactMap { key in
      guard let spec = manifest.layer(key) else { return nil }
      let path = Self.path(of: spec, in: manifest)
      let raster = try RasterDataset(path: path)
      guard let rasterCRS = try spec.crs.map({ try CRS($0) }) ?? raster.crs else {
        throw AnalysisError.missingCRS(path: path, layer: "band 1")
      }
      return (spec, path, rasterCRS)
    }
    let pointKeys =
      manifest.analyses.points ?? manifest.layers.filter { $0.role == .points }.map(\.key)
    var notes: [String] = []
    points = try pointKeys.compactMap { key in
      guard let spec = manifest.layer(key) else { return nil }
      let (locations, unplaceable) = try Self.naming(spec, manifest) {
        try LoadedSite.readPoints(spec, manifest: manifest, crs: working)
      }
      if unplaceable > 0 {
        notes.append(
          "\(key): \(unplaceable) point\(unplaceable == 1 ? "" : "s") cannot be placed in "
            + "\(manifest.crs) (outside the area it is defined for); they fall in no zone")
      }
      return (spec, locations)
    }
    self.notes = notes
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

  /// The points of a layer in the working CRS (each part of a MultiPoint), and
  /// how many could not be transformed there (outside the CRS's area of use).
  static func readPoints(_ spec: LayerSpec, manifest: SiteManifest, crs: CRS) throws -> (
    [SIMD2<Double>], unplaceable: Int
  ) {
    let path = path(of: spec, in: manifest)
    let dataset = try VectorDataset(path: path)
    let layer = try spec.layer.map(dataset.layer(named:)) ?? dataset.layer(at: 0)
    guard let layerCRS = try spec.crs.map({ try CRS($0) }) ?? layer.crs else {
      throw AnalysisError.missingCRS(path: path, layer: layer.name)
    }
    let placer = try PointPlacer(from: layerCRS, to: crs)
    var points: [SIMD2<Double>] = []
    var unplaceable = 0
    try layer.forEachFeature { feature in
      var raw: [SIMD2<Double>] = []
      feature.geometry?.forEachCoordinate { x, y in raw.append(SIMD2(x, y)) }
      for point in raw {
        if let placed = placer.place(point) { points.append(placed) } else { unplaceable += 1 }
      }
    }
    return (points, unplaceable)
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
