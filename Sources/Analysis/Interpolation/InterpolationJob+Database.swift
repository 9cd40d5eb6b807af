import GDALKit
import GeoCore
import PROJKit

/// Where an interpolation computes its areas and sums.
public enum InterpolationEngine: String, Sendable, CaseIterable {
  /// In this process, with exact coverage of grid cells and GEOS (the default).
  case swift
  /// Inside PostgreSQL with PostGIS (`DatabaseInterpolation`): for sources that
  /// live on a server and outgrow a laptop.
  case postgis
}

extension InterpolationJob {
  /// Whether the server itself builds the output table: a grid written to a
  /// table of the database the job computes in.
  var buildsOutputInDatabase: Bool {
    guard engine == .postgis, outputTable != nil, case .grid = target else { return false }
    return output == (PostgreSQLConnection.isConnection(source.path) ? source.path : database)
  }

  /// The interpolation computed inside the database: the source table's own
  /// database, or `database` for a file. Every working table lives in one
  /// transaction that is rolled back at the end, so nothing is left behind;
  /// but with `publishing` (see `buildsOutputInDatabase`), the output grid
  /// is built there as the table `outputTable`, its metadata as its comment,
  /// and committed, and the result holds no targets (only their count).
  func interpolateInDatabase(
    onto makeTargets: () throws -> InterpolationTargets, mask: PolygonMask?,
    publishing: ((InterpolationResult, Int) -> AnalysisMetadata)? = nil
  ) throws -> (InterpolationResult, SourceLoadReport, published: Int?) {
    let isTable = PostgreSQLConnection.isConnection(source.path)
    if isTable, let database, database != source.path {
      throw AnalysisError.databaseEngine(
        problem:
          "computes in the database of its source table; drop --database \(database), or load the table into that database first"
      )
    }
    guard let connection = isTable ? source.path : database else {
      throw AnalysisError.databaseEngine(
        problem:
          "needs a database to compute in for the file \(source.path): give --database PG:\"dbname=…\""
      )
    }
    guard let srid = workingCRS.epsgCode else {
      throw AnalysisError.databaseEngine(
        problem: "needs a working CRS with an EPSG code, not \(workingCRS); give --to-crs EPSG:n")
    }
    let workspace = try PostGISWorkspace(connection: connection)
    defer { workspace.close() }
    if publishing != nil, let outputTable, policy == .refuse, workspace.exists(outputTable) {
      throw GDALError.tableExists(connection: connection, table: outputTable.description)
    }
    let loader = DatabaseSources(workspace: workspace, request: source, workingSRID: srid)
    let (sources, report) = try loader.load(
      workingCRS: workingCRS, mask: mask, maskPath: self.mask?.path)
    let engine = DatabaseInterpolation(
      workspace: workspace, sources: sources, extensiveNames: source.extensive,
      intensiveNames: source.intensive, categoricalNames: source.categorical, srid: srid)
    try engine.allowParallelPlans(workers: threads - 1)
    let targets = try makeTargets()
    let pieces: String
    var targetTable: String?
    var overlapping = false
    var polygonCount: Int?
    switch targets {
    case .squareGrid(let grid):
      try checkCellCount(within: sourceExtent(workspace, sources), GridShape.square(grid))
      pieces = try engine.gridPieces(.square(grid))
    case .hexGrid(let grid):
      try checkCellCount(within: sourceExtent(workspace, sources), GridShape.hexagon(grid))
      pieces = try engine.gridPieces(.hexagon(grid))
    case .polygons(let shapes):
      let table = try loader.loadTargets(shapes, crs: workingCRS)
      (pieces, overlapping) = try engine.polygonPieces(targets: table)
      targetTable = table
      polygonCount = shapes.count
    }
    let denominators = try engine.denominators(
      pieces: pieces, targets: targetTable, overlapping: overlapping)
    let totals = try engine.totals(pieces: pieces, denominators: denominators)
    let areas = try engine.categoryAreas(pieces: pieces)
    let rule: ExtensiveRule = overlapping ? .sourceAreaShare : .coveredAreaShare
    if let publishing, let outputTable, case .grid(let shape) = target {
      let categories = try engine.categories(in: areas)
      let balances = try engine.balances(
        denominators: denominators, overlapping: overlapping,
        totalsOut: try engine.totalsOut(totals: totals))
      let result = InterpolationResult(
        targets: [], extensiveNames: source.extensive, intensiveNames: source.intensive,
        categorical: zip(source.categorical, categories).map { ($0, $1.map(\.name)) },
        balances: balances, rule: rule, sourceCount: report.read)
      let count = engine.count(totals)
      let rows = try engine.gridRows(
        totals: totals, categoryAreas: areas, categories: categories, shape: shape)
      let comment = String(decoding: try publishing(result, count).json(), as: UTF8.self)
      try workspace.publish(rows, as: outputTable, policy: policy, comment: comment)
      return (result, report, count)
    }
    let (values, categories) = try engine.targetValues(
      totals: totals, categoryAreas: areas, polygonCount: polygonCount)
    let balances = try engine.balances(
      denominators: denominators, overlapping: overlapping,
      totalsOut: source.extensive.indices.map { index in
        values.reduce(0) { $0 + $1.extensive[index] }
      })
    let result = InterpolationResult(
      targets: values, extensiveNames: source.extensive, intensiveNames: source.intensive,
      categorical: zip(source.categorical, categories).map { ($0, $1) }, balances: balances,
      rule: rule, sourceCount: report.read)
    return (result, report, nil)
  }

  /// The bounds of the sources' geometries in the working table, `nil` when none.
  private func sourceExtent(_ workspace: PostGISWorkspace, _ table: String) throws -> Envelope? {
    var extent: Envelope?
    try workspace.forEachRow(
      "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM \(table)) AS q"
    ) { row in
      let numbers = row.compactMap(\.doubleValue)
      if numbers.count == 4 {
        extent = Envelope(minX: numbers[0], minY: numbers[1], maxX: numbers[2], maxY: numbers[3])
      }
    }
    return extent
  }
}
