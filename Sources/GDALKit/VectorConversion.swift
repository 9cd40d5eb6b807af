import GEOSKit
import GeoCore
import PROJKit

/// What `convertVector` is asked to do.
public struct ConversionOptions: Sendable {
  /// The layers to copy, by name; all layers when empty.
  public var layers: [String] = []
  /// The CRS to reproject to; the source CRS is kept when `nil` (GeoJSON is always WGS 84).
  public var targetCRS: CRS?
  /// The CRS to assume for the input, replacing what the file declares (for files
  /// whose CRS is missing or wrong).
  public var sourceCRS: CRS?
  /// Repair invalid geometries with GEOS make-valid (keeping only the polygonal
  /// part in polygon layers).
  public var makeValid = false
  /// Whether an existing output may be replaced.
  public var policy = ExistingOutputPolicy.refuse
  /// Decimals of GeoJSON coordinates.
  public var decimals = 7
  /// Threads: with more than one, features are written on a thread of their
  /// own while the next ones are read (`WritingThread`).
  public var threads = ParallelChunks.defaultThreads
  /// Shows each layer's features while they are copied.
  public var progress: (any ProgressDisplay)?

  /// Creates options with the defaults: every layer, no reprojection, no repair, no overwrite.
  public init() {}
}

/// What `convertVector` did, layer by layer.
public struct ConversionReport: Sendable {
  /// Creates an empty report for `path`.
  public init(path: String, format: VectorFormat) {
    self.path = path
    self.format = format
  }

  /// What happened to one layer.
  public struct Layer: Sendable {
    /// The layer's name.
    public var name: String
    /// Features read from the input.
    public var read = 0
    /// Features written (always equal to `read`: features are never dropped).
    public var written = 0
    /// Features without geometry in the input.
    public var nullGeometries = 0
    /// Invalid geometries found (after reprojection).
    public var invalid = 0
    /// Ids of the first invalid features (at most 5).
    public var firstInvalidIDs: [Int64] = []
    /// Invalid geometries repaired by make-valid.
    public var repaired = 0
    /// Repaired geometries that kept no area and were written without geometry.
    public var collapsed = 0
    /// What the copy could not keep exactly, or what looked wrong in the input,
    /// one line each (values cut to a format's limits, rings dropped by rounding,
    /// a header that disagrees with the data).
    public var warnings: [String] = []
    /// The CRS of the output layer.
    public var crs: CRS?
    /// The declared geometry type of the output layer.
    public var geometryType: GeometryType = .unknown

    /// Creates an empty entry for layer `name`.
    public init(name: String) { self.name = name }
  }

  /// The output path.
  public var path: String
  /// The output format.
  public var format: VectorFormat
  /// One entry per layer written, in order.
  public var layers: [Layer] = []
}

/// Why a conversion cannot be done as asked.
public enum ConversionError: Error, Sendable, Equatable, CustomStringConvertible {
  /// GeoJSON output was asked in a CRS other than WGS 84.
  case geoJSONNeedsWGS84(path: String, crs: String)

  /// One line naming the file and what to do.
  public var description: String {
    switch self {
    case .geoJSONNeedsWGS84(let path, let crs):
      return
        "\(path): GeoJSON (RFC 7946) is always WGS 84 longitude/latitude, not \(crs); write it in WGS 84, or write .gpkg, .fgb, .shp or .csv"
    }
  }
}

/// Copies layers of the vector dataset at `input` to a new file at `output`,
/// optionally reprojected (PROJKit) and repaired (GEOSKit), keeping every feature
/// and attribute with its type. The output is written atomically.
///
/// - Returns: per-layer counts of what was read, written and repaired.
/// - Throws: `GDALError` for unreadable input, unknown layers, empty layers and
///   write failures; `ConversionError`; `PROJError` when a coordinate cannot be
///   transformed; `OutputError` when the output exists or its folder is missing.
///   Nothing is left at `output` on failure.
public func convertVector(input: String, output: String, options: ConversionOptions) throws
  -> ConversionReport
{
  guard let format = VectorFormat(path: output) else {
    throw GDALError.unsupportedOutputFormat(path: output, supported: VectorFormat.extensions)
  }
  let layers = try openLayers(of: input, options: options)
  if layers.count > 1 && !format.holdsManyLayers {
    throw GDALError.singleLayerFormat(
      path: output, format: format.rawValue, layers: layers.map(\.name))
  }
  var targetCRS = options.targetCRS
  if format.requiresWGS84 {
    let wgs84 = try CRS.wgs84
    if let requested = targetCRS, !requested.isEquivalent(to: wgs84) {
      throw ConversionError.geoJSONNeedsWGS84(path: output, crs: requested.description)
    }
    targetCRS = wgs84
  }
  let writer = try VectorWriter(path: output, policy: options.policy, decimals: options.decimals)
  var report = ConversionReport(path: output, format: format)
  report.layers = try copy(layers, to: writer, targetCRS: targetCRS, options: options)
  return report
}

/// Copies one layer of the vector dataset at `input` into a new PostGIS table,
/// in one transaction (`PostGISTableWriter`): by `COPY`, with a primary key, a
/// spatial index and `ANALYZE`; with `options.policy` `.replace`, an existing
/// table is replaced at the same moment.
///
/// - Returns: the counts of what was read, written and repaired.
/// - Throws: `GDALError.singleLayerFormat` when the input has several layers and
///   `options.layers` does not pick one, `.tableExists`, `.cannotConnect`,
///   `.noPostGIS`, `.writeFailed`; `PROJError`. The database is left as it was on failure.
public func convertVector(
  input: String, connection: String, table: PostGISTable, options: ConversionOptions
) throws -> ConversionReport {
  let layers = try openLayers(of: input, options: options)
  if layers.count > 1 {
    throw GDALError.singleLayerFormat(
      path: "\(connection) table \(table)", format: "a table", layers: layers.map(\.name))
  }
  let writer = try PostGISTableWriter(
    connection: connection, table: table, policy: options.policy)
  var report = ConversionReport(path: writer.path, format: .postGIS)
  report.layers = try copy(layers, to: writer, targetCRS: options.targetCRS, options: options)
  return report
}

/// The layers `options` names in `input` (all by default), refused when one is empty.
private func openLayers(of input: String, options: ConversionOptions) throws -> [OpenedLayer] {
  let dataset = try VectorDataset(path: input)
  let layers =
    try (options.layers.isEmpty ? dataset.layers : options.layers.map(dataset.layer(named:))).map {
      OpenedLayer(
        source: LayerSource(path: input, layer: $0.name, assumedCRS: options.sourceCRS), layer: $0)
    }
  for layer in layers where layer.layer.isEmpty {
    throw GDALError.emptyLayer(path: input, layer: layer.name)
  }
  return layers
}

/// Copies `layers` into `writer` and commits, or discards everything on failure.
private func copy(
  _ layers: [OpenedLayer], to writer: some LayerWriting, targetCRS: CRS?,
  options: ConversionOptions
) throws -> [ConversionReport.Layer] {
  do {
    var entries: [ConversionReport.Layer] = []
    for layer in layers {
      entries.append(try copy(layer, to: writer, targetCRS: targetCRS, options: options))
    }
    try writer.commit()
    return entries
  } catch {
    writer.discard()
    throw error
  }
}

private func copy(
  _ opened: OpenedLayer, to writer: some LayerWriting, targetCRS: CRS?, options: ConversionOptions
) throws -> ConversionReport.Layer {
  let layer = opened.layer
  var entry = ConversionReport.Layer(name: layer.name)
  entry.warnings = layer.integrityWarnings
  // Without reprojection a layer without CRS is copied as it is.
  let transformer = try targetCRS.flatMap { try opened.transformer(to: $0) }
  entry.crs = targetCRS ?? opened.crs
  let polygonal = layer.geometryType.isPolygonal
  // Repairs can split a polygon in parts, and a Shapefile declared Polygon or
  // LineString holds multi-part features too (GDAL reads them as MultiPolygon):
  // declare the multi type so that strict formats (FlatGeobuf) take every one.
  let shapefileParts =
    layer.dataset.driverName == "ESRI Shapefile"
    && [.polygon, .lineString].contains(layer.geometryType)
  entry.geometryType =
    (options.makeValid && polygonal) || shapefileParts
    ? layer.geometryType.promotedToMulti : layer.geometryType
  let index = try writer.addLayer(
    name: layer.name, geometryType: entry.geometryType, hasZ: layer.hasZ, crs: entry.crs,
    fields: layer.fields)
  var losses =
    (writer as? VectorWriter)?.format == .shapefile ? ShapefileLosses(fields: layer.fields) : nil
  let reader = layer.makeReader()
  let checks = GeometryChecks(
    transformer: transformer, makeValid: options.makeValid, polygonal: polygonal,
    declared: entry.geometryType)
  let path = writer.path
  // The count only where the format stores it: counting by reading would read
  // the layer twice.
  let step = StepProgress(
    step: "copying \(layer.name)", total: layer.featureCount(force: false) ?? 0, unit: "features")
  options.progress?.begin(step)
  defer { options.progress?.end(step) }
  // Three stages, each on its own thread: reading (this one), checking and
  // encoding, writing. Which one is the slowest depends on the formats (GDAL's
  // GeoJSON reader, the PostgreSQL COPY stream); see Scripts/bench-results.md.
  let threaded = options.threads > 1
  let writing = WritingThread<EncodedFeature>(threaded: threaded) { encoded in
    try writer.write(encoded, toLayer: index)
  }
  defer { writing.cancel() }
  let decoder = reader.makeDecoder()
  let checking = WritingThread<RawFeature>(threaded: threaded) { raw in
    let feature = try decoder.decode(raw)
    losses?.record(feature.attributes)
    try writing.send(EncodedFeature(try checks.check(feature), path: path))
  }
  defer { checking.cancel() }
  while true {
    let next: RawFeature?
    do {
      next = try reader.fetch()
    } catch {
      // The features before this one are checked first, so that an error
      // among them is reported, as when everything ran on one thread.
      try checking.finish()
      try writing.finish()
      throw error
    }
    guard let feature = next else { break }
    entry.read += 1
    step.advance()
    try checking.send(feature)
    entry.written += 1
  }
  try checking.finish()
  try writing.finish()
  entry.nullGeometries = decoder.nullGeometryCount
  entry.invalid = checks.invalid
  entry.firstInvalidIDs = checks.firstInvalidIDs
  entry.repaired = checks.repaired
  entry.collapsed = checks.collapsed
  entry.warnings += losses?.warnings ?? []
  if decoder.droppedRings > 0 {
    entry.warnings.append(droppedRingsWarning(decoder.droppedRings))
  }
  if entry.geometryType == .unknown, let seen = decoder.geometryTypes.first,
    decoder.geometryTypes.count == 1
  {
    entry.geometryType = seen
  }
  return entry
}

/// What `copy` does to each geometry on the writing thread (see
/// `WritingThread`): reprojection, the validity check and, when asked, the
/// repair, and the promotion to the declared multi type; with the counts.
/// Its transformer is made on the thread that uses it, as PROJ contexts are
/// per thread (`Transformer`).
private final class GeometryChecks {
  private let crsPair: (source: CRS, target: CRS)?
  private var transformer: Transformer?
  let makeValid: Bool
  let polygonal: Bool
  let declared: GeometryType
  private(set) var invalid = 0
  private(set) var firstInvalidIDs: [Int64] = []
  private(set) var repaired = 0
  private(set) var collapsed = 0

  init(transformer: Transformer?, makeValid: Bool, polygonal: Bool, declared: GeometryType) {
    crsPair = transformer.map { ($0.source, $0.target) }
    self.makeValid = makeValid
    self.polygonal = polygonal
    self.declared = declared
  }

  /// `feature` with its geometry reprojected, checked, repaired and promoted.
  func check(_ feature: Feature) throws -> Feature {
    guard var geometry = feature.geometry else { return feature }
    var feature = feature
    if let crsPair {
      let transformer = try transformer ?? Transformer(from: crsPair.source, to: crsPair.target)
      self.transformer = transformer
      geometry = try transformer.transform(geometry)
    }
    if !geometry.isValid {
      invalid += 1
      if firstInvalidIDs.count < 5 { firstInvalidIDs.append(feature.id) }
      if makeValid {
        geometry = try geometry.makeValid()
        if polygonal { geometry = try geometry.polygonalPart() }
        repaired += 1
      }
    }
    if geometry.type != declared, geometry.type.promotedToMulti == declared {
      geometry = try Geometry.collection(declared, of: [geometry])
    }
    if makeValid && geometry.isEmpty {
      collapsed += 1
      feature.geometry = nil
    } else {
      feature.geometry = geometry
    }
    return feature
  }
}

/// The report line for polygon rings the reader dropped (fewer than 4 points).
public func droppedRingsWarning(_ count: Int) -> String {
  "\(count) polygon ring\(count == 1 ? "" : "s") of fewer than 4 points dropped while reading "
    + "(a polygon whose exterior is one goes with its holes)"
}
