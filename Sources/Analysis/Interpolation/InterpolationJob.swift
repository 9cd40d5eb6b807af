import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// A whole interpolation, as `territory interpolate` runs it: read and prepare
/// the sources, build the targets, interpolate, write the output and its balance.
public struct InterpolationJob: Sendable {
  /// Where the values go.
  public enum Target: Sendable {
    /// A grid in the working CRS; only touched cells are written.
    case grid(GridShape)
    /// The polygons of a layer (first layer unless named).
    case layer(path: String, layer: String?)
  }

  /// The sources and their variables.
  public var source: SourceRequest
  /// The projected CRS, in metres, in which areas are measured.
  public var workingCRS: CRS
  /// The targets.
  public var target: Target
  /// An optional dasymetric mask layer (path, layer).
  public var mask: (path: String, layer: String?)?
  /// The output path (its extension picks the format), or a `PG:` connection
  /// with `outputTable`.
  public var output: String
  /// The table to write when `output` is a `PG:` connection. With the
  /// in-database engine computing in that same database and a grid, the
  /// server builds the table itself (`buildsOutputInDatabase`).
  public var outputTable: PostGISTable?
  /// Whether existing outputs may be replaced.
  public var policy = ExistingOutputPolicy.refuse
  /// The most cells a grid may have (50 million by default).
  public var maximumCells = InterpolationJob.defaultMaximumCells
  /// The default of `maximumCells`.
  public static let defaultMaximumCells = 50_000_000
  /// Worker threads (every core by default); the results do not depend on it.
  public var threads = ParallelChunks.defaultThreads
  /// For grids with the Swift engine: the rows of each stripe of cells computed
  /// and written at once (by default about a million cells' worth); the
  /// values do not depend on it.
  public var rowsPerStripe: Int?
  /// Shows how far the grid has come, stripe after stripe (the command line's bar).
  public var progress: (any ProgressDisplay)?
  /// Where the areas and sums are computed.
  public var engine = InterpolationEngine.swift
  /// For `engine == .postgis` with a file source: the database to compute in
  /// (a table source is computed in its own database).
  public var database: String?

  /// Creates a job.
  public init(source: SourceRequest, workingCRS: CRS, target: Target, output: String) {
    self.source = source
    self.workingCRS = workingCRS
    self.target = target
    self.output = output
  }

  /// What the job did.
  public struct Summary: Sendable {
    /// The interpolation's result (targets, balances, rule).
    public var result: InterpolationResult
    /// What loading the sources did (read, repaired, without geometry).
    public var sources: SourceLoadReport
    /// The targets' CRS when they were reprojected to the working CRS.
    public var reprojectedTargetsFrom: CRS?
    /// The sidecar holding the balance (for a table: its comment).
    public var metadataPath: String
    /// The cells or targets written (`result.targets` is empty when the
    /// server built the output table itself, and for grids of the Swift
    /// engine, whose cells are written stripe by stripe).
    public var written: Int
    /// Whether the server built the output table itself, no geometry crossing
    /// the connection.
    public var builtInDatabase = false
  }

  /// Runs the job.
  /// - Throws: `AnalysisError`, `GDALError`, `PROJError`, `GEOSError`, `OutputError`;
  ///   nothing is written on failure.
  public func run() throws -> Summary {
    guard workingCRS.isProjected, workingCRS.axisUnit.hasPrefix("met") else {
      throw AnalysisError.workingCRSNotProjected(crs: workingCRS.description)
    }
    if source.extensive.isEmpty && source.intensive.isEmpty && source.categorical.isEmpty {
      throw AnalysisError.noVariables
    }
    try TableWriter.checkDestination(path: output, databaseTable: outputTable)
    let maskLayer = try mask.map {
      try PolygonMask(path: $0.path, layer: $0.layer, workingCRS: workingCRS)
    }
    var details = ["source_layer": source.layer ?? "(first)"]
    if let mask { details["mask"] = mask.path }
    if engine == .postgis { details["engine"] = "postgis" }
    let result: InterpolationResult
    let report: SourceLoadReport
    var reprojectedFrom: CRS?
    let metadataPath =
      outputTable.map { "the comment of table \($0)" } ?? AnalysisMetadata.sidecarPath(for: output)
    switch target {
    case .grid(let shape):
      details["grid"] = shape.description
      if buildsOutputInDatabase {
        let (result, report, written) = try interpolateInDatabase(
          onto: { shape.targets }, mask: maskLayer,
          publishing: { metadataFor($0, count: $1, details: details) })
        return Summary(
          result: result, sources: report, metadataPath: metadataPath,
          written: written?.count ?? 0, builtInDatabase: true)
      }
      if engine == .swift {
        return try interpolateInStripes(
          onto: shape, mask: maskLayer, details: details, metadataPath: metadataPath)
      }
      (result, report) = try compute(onto: { shape.targets }, mask: maskLayer)
      let metadata = metadataFor(result, count: result.targets.count, details: details)
      try TableWriter.writeGrid(
        cells: [], shape: shape, crs: workingCRS, table: ValueTable(result, coveredArea: true),
        path: output, databaseTable: outputTable, policy: policy, metadata: metadata,
        threads: threads)
    case .layer(let path, let layer):
      details["targets"] = PostgreSQLConnection.masked(path)
      if let layer { details["targets_layer"] = layer }
      if buildsOutputInDatabase {
        let (result, report, written) = try interpolateInDatabase(
          onto: { preconditionFailure("the targets are a table of the database") },
          mask: maskLayer, publishing: { metadataFor($0, count: $1, details: details) })
        let crs = written?.targetsCRS
        return Summary(
          result: result, sources: report,
          reprojectedTargetsFrom: crs.flatMap { $0.isEquivalent(to: workingCRS) ? nil : $0 },
          metadataPath: metadataPath, written: written?.count ?? 0, builtInDatabase: true)
      }
      var loadedTargets: TargetLayer?
      (result, report) = try compute(
        onto: {
          let targets = try TargetLayer.load(path: path, layer: layer, workingCRS: workingCRS)
          loadedTargets = targets
          return .polygons(targets.geometries)
        }, mask: maskLayer)
      let targets = loadedTargets!
      if !targets.sourceCRS.isEquivalent(to: workingCRS) { reprojectedFrom = targets.sourceCRS }
      try TableWriter.writeTargets(
        targets, table: ValueTable(result, coveredArea: false), crs: workingCRS, path: output,
        databaseTable: outputTable, policy: policy,
        metadata: metadataFor(result, count: result.targets.count, details: details),
        threads: threads)
    }
    return Summary(
      result: result, sources: report, reprojectedTargetsFrom: reprojectedFrom,
      metadataPath: metadataPath, written: result.targets.count)
  }

  /// The grid interpolation of the Swift engine, written stripe by stripe as
  /// it is computed (`StripedInterpolation`): only one stripe of cells is held.
  private func interpolateInStripes(
    onto shape: GridShape, mask: PolygonMask?, details: [String: String], metadataPath: String
  ) throws -> Summary {
    let (units, report) = try SourceLoader.load(source, workingCRS: workingCRS, mask: mask)
    try checkCellCount(units, shape)
    let categories = StripedInterpolation.categories(of: units, count: source.categorical.count)
    // The columns: the result's variables, known before the first stripe.
    let columns = InterpolationResult(
      targets: [], extensiveNames: source.extensive, intensiveNames: source.intensive,
      categorical: zip(source.categorical, categories).map { ($0, $1) }, balances: [],
      rule: .coveredAreaShare, sourceCount: units.count)
    var outcome: StripedInterpolation.Outcome?
    try TableWriter.writeGridInBatches(
      shape: shape, crs: workingCRS, valueFields: ValueTable.fields(of: columns, coveredArea: true),
      path: output, databaseTable: outputTable, policy: policy,
      metadata: { metadataFor(outcome!.result, count: outcome!.cellCount, details: details) },
      threads: threads,
      produce: { append in
        outcome = try StripedInterpolation.interpolate(
          units, onto: shape, extensiveNames: source.extensive, intensiveNames: source.intensive,
          categoricalNames: source.categorical, rowsPerStripe: rowsPerStripe, threads: threads,
          progress: progress
        ) { cells in try append(cells) }
      })
    return Summary(
      result: outcome!.result, sources: report, metadataPath: metadataPath,
      written: outcome!.cellCount)
  }

  private func metadataFor(
    _ result: InterpolationResult, count: Int, details: [String: String]
  ) -> AnalysisMetadata {
    AnalysisMetadata(
      operation: "interpolate", crs: workingCRS.description,
      source: PostgreSQLConnection.masked(source.path), targets: count,
      rule: result.rule.rawValue, balances: result.balances, details: details)
  }

  /// The sources interpolated onto `targets` by the job's engine (the sources
  /// are loaded before the targets, so their errors come first).
  private func compute(
    onto targets: () throws -> InterpolationTargets, mask: PolygonMask?
  ) throws -> (InterpolationResult, SourceLoadReport) {
    if engine == .postgis {
      let (result, report, _) = try interpolateInDatabase(onto: targets, mask: mask)
      return (result, report)
    }
    let (units, report) = try SourceLoader.load(source, workingCRS: workingCRS, mask: mask)
    let result = try ArealInterpolation.interpolate(
      units, onto: targets(), extensiveNames: source.extensive,
      intensiveNames: source.intensive, categoricalNames: source.categorical, threads: threads)
    return (result, report)
  }

  /// Refuses grids whose cells over the sources' extent would exceed the maximum.
  private func checkCellCount(_ units: [SourceUnit], _ shape: GridShape) throws {
    try shape.checkCellCount(within: Self.extent(of: units), maximum: maximumCells)
  }

  /// Refuses grids whose cells over `extent` would exceed the maximum.
  func checkCellCount(within extent: Envelope?, _ shape: GridShape) throws {
    try shape.checkCellCount(within: extent, maximum: maximumCells)
  }

  /// The bounds of the units' polygons.
  static func extent(of units: [SourceUnit]) -> Envelope? {
    var extent: Envelope?
    for unit in units {
      for polygon in unit.polygons {
        guard let bounds = polygon.bounds else { continue }
        let box = Envelope(
          minX: bounds.min.x, minY: bounds.min.y, maxX: bounds.max.x, maxY: bounds.max.y)
        extent = extent.map { $0.union(box) } ?? box
      }
    }
    return extent
  }
}

extension GridShape: CustomStringConvertible {
  /// `square 100 m` or `hexagon 250 m`.
  public var description: String {
    switch self {
    case .square(let grid): return "square \(metres(grid.cellSize)) m"
    case .hexagon(let grid): return "hexagon \(metres(grid.spacing)) m"
    }
  }

  /// Refuses a grid whose cells over `extent` would exceed `maximum`.
  func checkCellCount(within extent: Envelope?, maximum: Int) throws {
    guard let extent else { return }
    let estimate = (extent.width * extent.height) / cellArea
    if estimate > Double(maximum) {
      throw AnalysisError.tooManyCells(count: estimate, maximum: maximum)
    }
  }

  var targets: InterpolationTargets {
    switch self {
    case .square(let grid): return .squareGrid(grid)
    case .hexagon(let grid): return .hexGrid(grid)
    }
  }

  private func metres(_ value: Double) -> String {
    value.rounded() == value ? String(Int64(value)) : String(value)
  }
}
