import Foundation

/// What `Tools.convert(_:)` is to copy.
public struct ConvertJob: Sendable {
  /// The vector file to read.
  public var input: String
  /// The file to write (its extension picks the format), or a `PG:` connection.
  public var output: String
  /// The table to write when `output` is a `PG:` connection.
  public var table: PostGISTable?
  /// Layers, CRSs, repair, decimals and the policy for an existing output.
  public var options = ConversionOptions()
  /// Whether GeoJSON output has a bbox on each feature and on the collection.
  public var boundingBoxes = false
  /// Worker threads for the GeoJSON export (default: every core).
  public var threads = ParallelChunks.defaultThreads
  /// Shows the features copied while the conversion runs.
  public var progress: (any ProgressDisplay)?

  /// A job copying `input` to `output`.
  public init(input: String, output: String) {
    self.input = input
    self.output = output
  }
}

/// Where `Tools.grid(_:)` lays its cells.
public enum GridArea: Sendable {
  /// A rectangle in the grid's CRS.
  case box(Envelope)
  /// The extent of a layer.
  case extent(of: LayerSource)
  /// Only the cells where a layer has data (covered area or a point).
  case dataIn(LayerSource)
}

/// What `Tools.grid(_:)` is to make.
public struct GridJob: Sendable {
  /// The cells' shape and size.
  public var shape: GridShape
  /// The grid's CRS, projected in metres.
  public var crs: CRS
  /// Where the cells are.
  public var area: GridArea
  /// The most cells allowed.
  public var maximumCells = InterpolationJob.defaultMaximumCells
  /// The output file, or a `PG:` connection with `outputTable`.
  public var output: String
  /// The table to write when `output` is a `PG:` connection.
  public var outputTable: PostGISTable?
  /// Whether an existing output may be replaced.
  public var policy = ExistingOutputPolicy.refuse

  /// A grid of `shape` in `crs` over `area`, written to `output`.
  public init(shape: GridShape, crs: CRS, area: GridArea, output: String) {
    self.shape = shape
    self.crs = crs
    self.area = area
    self.output = output
  }
}

extension Tools {
  /// `territory info`: what a file holds.
  /// - Throws: `GDALError` when the file cannot be read.
  public static func info(path: String) throws -> DatasetSummary {
    try DatasetSummary(path: path)
  }

  /// `territory convert`: layers copied to another format, optionally reprojected
  /// and repaired. GeoJSON is written by TerritoryKit's own writer (RFC 7946 by
  /// construction: WGS 84, winding, antimeridian), every other format by GDAL.
  /// - Throws: `ConversionError.geoJSONNeedsWGS84`, `GDALError`, `PROJError`,
  ///   `GEOSError`, `OutputError`. Nothing is left at the output on failure.
  public static func convert(_ job: ConvertJob) throws -> ConversionReport {
    var options = job.options
    options.threads = job.threads
    options.progress = job.progress
    if let table = job.table {
      return try convertVector(
        input: job.input, connection: job.output, table: table, options: options)
    }
    guard VectorFormat(path: job.output)?.requiresWGS84 == true else {
      return try convertVector(input: job.input, output: job.output, options: options)
    }
    if let target = options.targetCRS, !target.isEquivalent(to: try CRS.wgs84) {
      throw ConversionError.geoJSONNeedsWGS84(path: job.output, crs: target.description)
    }
    guard options.layers.count <= 1 else {
      throw GDALError.singleLayerFormat(path: job.output, format: "GeoJSON", layers: options.layers)
    }
    return try GeoJSONExport.run(
      input: job.input, output: job.output, layer: options.layers.first,
      sourceCRS: options.sourceCRS, makeValid: options.makeValid, decimals: options.decimals,
      boundingBoxes: job.boundingBoxes, policy: options.policy, threads: job.threads,
      progress: job.progress)
  }

  /// `territory grid`: a square or hexagonal grid aligned on multiples of the
  /// cell size. Returns the number of cells written.
  /// - Throws: `AnalysisError.tooManyCells`, `GDALError`, `PROJError`, `OutputError`.
  public static func grid(_ job: GridJob) throws -> Int {
    let cells: [TargetKey]
    switch job.area {
    case .box(let box):
      cells = try job.shape.cells(covering: box, maximum: job.maximumCells)
    case .extent(let source):
      let extent = try source.open().extent(in: job.crs)
      cells = try job.shape.cells(covering: extent, maximum: job.maximumCells)
    case .dataIn(let source):
      cells = try job.shape.cells(
        whereDataIn: source.path, layer: source.layer, workingCRS: job.crs,
        maximum: job.maximumCells)
    }
    try TableWriter.writeGrid(
      cells: cells, shape: job.shape, crs: job.crs, table: nil, path: job.output,
      databaseTable: job.outputTable, policy: job.policy)
    return cells.count
  }
}
