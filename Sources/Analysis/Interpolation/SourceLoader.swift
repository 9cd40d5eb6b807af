import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// Which layer to read and how to prepare it for interpolation.
public struct SourceRequest: Sendable {
  /// The vector file.
  public var path: String
  /// The layer name; the first layer when `nil`.
  public var layer: String?
  /// A CRS to assume instead of the one the file declares.
  public var sourceCRS: CRS?
  /// Counts (population, jobs): split by area.
  public var extensive: [String] = []
  /// Rates, densities, shares: area-weighted means.
  public var intensive: [String] = []
  /// Categories (land use, type of tract): shares of covered area.
  public var categorical: [String] = []
  /// Repair invalid geometries instead of refusing them.
  public var makeValid = false

  /// Creates a request for `path`.
  public init(path: String, layer: String? = nil) {
    self.path = path
    self.layer = layer
  }
}

/// What was done while loading sources.
public struct SourceLoadReport: Sendable {
  /// Features read.
  public var read = 0
  /// Features without geometry (their values count as falling outside every target).
  public var withoutGeometry = 0
  /// Invalid geometries repaired with make-valid.
  public var repaired = 0
  /// The CRS the layer was read in.
  public var sourceCRS: CRS?
  /// What the file says about itself that does not add up (`integrityWarnings`).
  public var warnings: [String] = []
}

/// Reads source polygons and their variables, reprojects them to the working CRS,
/// repairs or refuses invalid geometries, and applies an optional dasymetric mask.
public enum SourceLoader {
  /// Loads the sources of `request` in `workingCRS`.
  /// - Parameter mask: polygons (in `workingCRS`) where the values really are
  ///   (built-up areas): only the part of each source inside the mask receives its values.
  /// - Throws: `AnalysisError` (unknown or non-numeric field, invalid geometries
  ///   without `makeValid`, no polygons, no CRS), `GDALError`, `PROJError`, `GEOSError`.
  public static func load(
    _ request: SourceRequest, workingCRS: CRS, mask: PolygonMask? = nil
  ) throws -> (units: [SourceUnit], report: SourceLoadReport) {
    let dataset = try VectorDataset(path: request.path)
    let layer = try request.layer.map(dataset.layer(named:)) ?? dataset.layer(at: 0)
    let fields = layer.fields
    func index(_ name: String, numeric kind: String?) throws -> Int {
      guard let found = fields.firstIndex(where: { $0.name == name }) else {
        throw AnalysisError.fieldNotFound(
          path: request.path, layer: layer.name, field: name, available: fields.map(\.name))
      }
      if let kind, !fields[found].type.isNumeric {
        throw AnalysisError.notNumeric(
          path: request.path, layer: layer.name, field: name, type: fields[found].type.rawValue,
          kind: kind)
      }
      return found
    }
    let extensive = try request.extensive.map { try index($0, numeric: "extensive") }
    let intensive = try request.intensive.map { try index($0, numeric: "intensive") }
    let categorical = try request.categorical.map { try index($0, numeric: nil) }
    let type = layer.geometryType
    if !(type.isPolygonal || type == .unknown || type == .geometryCollection) {
      throw AnalysisError.notPolygons(path: request.path, layer: layer.name, type: type.rawValue)
    }
    var report = SourceLoadReport()
    report.warnings = layer.integrityWarnings
    report.sourceCRS = request.sourceCRS ?? layer.crs
    guard let sourceCRS = report.sourceCRS else {
      throw AnalysisError.missingCRS(path: request.path, layer: layer.name)
    }
    let transformer =
      sourceCRS.isEquivalent(to: workingCRS)
      ? nil : try Transformer(from: sourceCRS, to: workingCRS)
    var units: [SourceUnit] = []
    var invalidIDs: [Int64] = []
    var invalidCount = 0
    try layer.forEachFeature { feature in
      report.read += 1
      let values = (
        extensive.map { feature.attributes[$0].doubleValue },
        intensive.map { feature.attributes[$0].doubleValue },
        categorical.map { feature.attributes[$0].isNull ? nil : feature.attributes[$0].description }
      )
      guard var geometry = feature.geometry, !geometry.isEmpty else {
        report.withoutGeometry += 1
        units.append(
          SourceUnit(
            id: feature.id, polygons: [], wkb: [], extensive: values.0, intensive: values.1,
            categories: values.2))
        return
      }
      if let transformer {
        geometry = try transformer.transform(geometry)
      }
      if !geometry.isValid {
        invalidCount += 1
        if invalidIDs.count < 5 { invalidIDs.append(feature.id) }
        guard request.makeValid else { return }
        geometry = try geometry.makeValid()
        report.repaired += 1
      }
      geometry = try geometry.polygonalPart()
      if let mask { geometry = try mask.clip(geometry) }
      units.append(
        SourceUnit(
          id: feature.id, polygons: geometry.polygonRings().map(PolygonRings.init(rings:)),
          wkb: geometry.wkb, extensive: values.0, intensive: values.1, categories: values.2))
    }
    if invalidCount > 0 && !request.makeValid {
      throw AnalysisError.invalidGeometries(
        path: request.path, layer: layer.name, count: invalidCount, firstIDs: invalidIDs)
    }
    if units.allSatisfy({ $0.polygons.isEmpty }) && mask == nil {
      throw AnalysisError.emptySource(path: request.path, layer: layer.name)
    }
    return (units, report)
  }
}

/// A dasymetric mask: polygons where the values of the sources really are
/// (built-up areas, residential land use). Not `Sendable` (GEOS objects).
public final class PolygonMask {
  private let parts: [Geometry]
  private let tree: STRTree

  /// Reads the mask from `path` in `workingCRS`: the polygons of a vector layer
  /// (first layer unless `layer`), or, for a raster, the pixels of its first band
  /// whose value is not 0 (nor nodata), turned into polygons.
  /// - Throws: `GDALError`, `PROJError`, `GEOSError`, `AnalysisError.missingCRS`.
  public init(path: String, layer: String? = nil, workingCRS: CRS) throws {
    var found: [Geometry] = []
    var declaredCRS: CRS?
    do {
      let dataset = try VectorDataset(path: path)
      let source = try layer.map(dataset.layer(named:)) ?? dataset.layer(at: 0)
      guard let declared = source.crs else {
        throw AnalysisError.missingCRS(path: path, layer: source.name)
      }
      declaredCRS = declared
      try source.forEachFeature { feature in
        if let geometry = feature.geometry, !geometry.isEmpty { found.append(geometry) }
      }
    } catch GDALError.notVector {
      let raster = try RasterDataset(path: path)
      guard let declared = raster.crs else {
        throw AnalysisError.missingCRS(path: path, layer: "band 1")
      }
      declaredCRS = declared
      found = try raster.polygonize(band: 1).filter { $0.value != 0 }.map(\.polygon)
    }
    guard let crs = declaredCRS else {
      throw AnalysisError.missingCRS(path: path, layer: layer ?? "")
    }
    let transformer =
      try Transformer.unlessEquivalent(from: crs, to: workingCRS)
    var parts: [Geometry] = []
    for var geometry in found {
      if let transformer {
        geometry = try transformer.transform(geometry)
      }
      if !geometry.isValid { geometry = try geometry.makeValid() }
      geometry = try geometry.polygonalPart()
      if !geometry.isEmpty { parts.append(geometry) }
    }
    self.parts = parts
    tree = STRTree(envelopes: parts.compactMap(\.envelope))
  }

  /// The part of `geometry` inside the mask (empty when they do not meet).
  public func clip(_ geometry: Geometry) throws(GEOSError) -> Geometry {
    guard let envelope = geometry.envelope else { return geometry }
    let candidates = tree.query(envelope).map { parts[$0] }
    if candidates.isEmpty { return try Geometry(wkt: "POLYGON EMPTY") }
    let union = try candidates.count == 1 ? candidates[0] : Geometry.unionAll(candidates)
    return try geometry.intersection(with: union).polygonalPart()
  }
}
