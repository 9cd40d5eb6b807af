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
  /// - Throws: `AnalysisError` (non-numeric field, invalid geometries without
  ///   `makeValid`, no polygons), `GDALError` (unknown field, no CRS, not polygons),
  ///   `PROJError`, `GEOSError`.
  public static func load(
    _ request: SourceRequest, workingCRS: CRS, mask: PolygonMask? = nil
  ) throws -> (units: [SourceUnit], report: SourceLoadReport) {
    let opened = try LayerSource(
      path: request.path, layer: request.layer, assumedCRS: request.sourceCRS
    ).open()
    var builder = try SourceBuilder(
      request, fields: opened.fields, layer: opened.name, makeValid: request.makeValid, mask: mask)
    try opened.requirePolygons()
    builder.report.warnings = opened.layer.integrityWarnings
    builder.report.sourceCRS = try opened.requireCRS()
    try opened.forEachFeature(in: workingCRS) { try builder.add($0) }
    return try builder.finish()
  }
}

/// Turns features, their geometry already in the working CRS, into source units
/// one at a time: the one place where a feature becomes a unit, for
/// `SourceLoader` and for a site's units read by its check.
struct SourceBuilder {
  private let path: String
  private let layer: String
  private let extensive: [Int]
  private let intensive: [Int]
  private let categorical: [Int]
  private let makeValid: Bool
  private let mask: PolygonMask?
  private(set) var units: [SourceUnit] = []
  var report = SourceLoadReport()
  private var invalidIDs: [Int64] = []
  private var invalidCount = 0

  /// Finds the variables of `request` among `fields`.
  /// - Throws: `GDALError.fieldNotFound`, `AnalysisError.notNumeric`.
  init(
    _ request: SourceRequest, fields: [Field], layer: String, makeValid: Bool, mask: PolygonMask?
  ) throws {
    func index(_ name: String, numeric kind: String?) throws -> Int {
      guard let found = fields.firstIndex(where: { $0.name == name }) else {
        throw GDALError.fieldNotFound(
          path: request.path, layer: layer, field: name, available: fields.map(\.name))
      }
      if let kind, !fields[found].type.isNumeric {
        throw AnalysisError.notNumeric(
          path: request.path, layer: layer, field: name, type: fields[found].type.rawValue,
          kind: kind)
      }
      return found
    }
    path = request.path
    self.layer = layer
    extensive = try request.extensive.map { try index($0, numeric: "extensive") }
    intensive = try request.intensive.map { try index($0, numeric: "intensive") }
    categorical = try request.categorical.map { try index($0, numeric: nil) }
    self.makeValid = makeValid
    self.mask = mask
  }

  /// Adds one feature (geometry in the working CRS).
  mutating func add(_ feature: Feature) throws {
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
          id: feature.id, polygons: [], shape: nil, extensive: values.0, intensive: values.1,
          categories: values.2))
      return
    }
    if !geometry.isValid {
      invalidCount += 1
      if invalidIDs.count < 5 { invalidIDs.append(feature.id) }
      guard makeValid else { return }
      geometry = try geometry.makeValid()
      report.repaired += 1
    }
    geometry = try geometry.polygonalPart()
    if let mask { geometry = try mask.clip(geometry) }
    let shape = geometry.polygonalShape
    units.append(
      SourceUnit(
        id: feature.id, polygons: shape.polygons.map(PolygonRings.init(rings:)), shape: shape,
        extensive: values.0, intensive: values.1, categories: values.2))
  }

  /// The units and the report.
  /// - Throws: `AnalysisError.invalidGeometries` (without `makeValid`), `.emptySource`.
  func finish() throws -> (units: [SourceUnit], report: SourceLoadReport) {
    if invalidCount > 0 && !makeValid {
      throw AnalysisError.invalidGeometries(
        path: path, layer: layer, count: invalidCount, firstIDs: invalidIDs)
    }
    if units.allSatisfy({ $0.polygons.isEmpty }) && mask == nil {
      throw AnalysisError.emptySource(path: path, layer: layer)
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
  /// - Throws: `GDALError`, `PROJError`, `GEOSError`, `GDALError.missingCRS`.
  public init(path: String, layer: String? = nil, workingCRS: CRS) throws {
    var found: [Geometry] = []
    var declaredCRS: CRS?
    do {
      let source = try LayerSource(path: path, layer: layer).open()
      declaredCRS = try source.requireCRS()
      try source.forEachFeature { feature in
        if let geometry = feature.geometry, !geometry.isEmpty { found.append(geometry) }
      }
    } catch GDALError.notVector {
      let raster = try RasterDataset(path: path)
      guard let declared = raster.crs else {
        throw GDALError.missingCRS(path: path, layer: "band 1")
      }
      declaredCRS = declared
      found = try raster.polygonize(band: 1).filter { $0.value != 0 }.map(\.polygon)
    }
    guard let crs = declaredCRS else {
      throw GDALError.missingCRS(path: path, layer: layer ?? "")
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
