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
  /// Whether the server itself builds the output table: the output is a
  /// table of the database the job computes in, and the targets are a grid or
  /// a table of that database too.
  var buildsOutputInDatabase: Bool {
    let computesIn = PostgreSQLConnection.isConnection(source.path) ? source.path : database
    guard engine == .postgis, outputTable != nil, output == computesIn else { return false }
    switch target {
    case .grid: return true
    case .layer(let path, _): return path == computesIn
    }
  }

  /// The interpolation computed inside the database: the source table's own
  /// database, or `database` for a file. Every working table lives in one
  /// transaction that is rolled back at the end, so nothing is left behind;
  /// but with `publishing` (see `buildsOutputInDatabase`), the output is
  /// built there as the table `outputTable`, its metadata as its comment, and
  /// committed, and the result holds no targets (only their count, and the
  /// CRS of a target table).
  func interpolateInDatabase(
    onto makeTargets: () throws -> InterpolationTargets, mask: PolygonMask?,
    publishing: ((InterpolationResult, Int) -> AnalysisMetadata)? = nil
  ) throws -> (
    InterpolationResult, SourceLoadReport, published: (count: Int, targetsCRS: CRS?)?
  ) {
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
    var pieces = ""
    var targetTable: String?
    var overlapping = false
    var polygonCount: Int?
    var targetTableLayout: (fields: [Field], crs: CRS)?
    if publishing != nil, case .layer(let path, let layer) = target {
      let loaded = try loader.loadTargetTable(path: path, layer: layer)
      (pieces, overlapping) = try engine.polygonPieces(targets: loaded.table)
      targetTable = loaded.table
      targetTableLayout = (loaded.fields, loaded.crs)
    }
    switch targetTableLayout == nil ? try makeTargets() : nil {
    case nil: break
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
    if let publishing, let outputTable {
      let categories = try engine.categories(in: areas)
      let balances = try engine.balances(
        denominators: denominators, overlapping: overlapping,
        totalsOut: try engine.totalsOut(totals: totals))
      let result = InterpolationResult(
        targets: [], extensiveNames: source.extensive, intensiveNames: source.intensive,
        categorical: zip(source.categorical, categories).map { ($0, $1.map(\.name)) },
        balances: balances, rule: rule, sourceCount: report.read)
      let rows: String
      let count: Int
      if let targetTable, let layout = targetTableLayout {
        rows = try engine.targetRows(
          targets: targetTable, fields: layout.fields, totals: totals, categoryAreas: areas,
          categories: categories)
        count = engine.count(targetTable)
      } else if case .grid(let shape) = target {
        rows = try engine.gridRows(
          totals: totals, categoryAreas: areas, categories: categories, shape: shape)
        count = engine.count(totals)
      } else {
        preconditionFailure("publishing needs a grid or a target table (buildsOutputInDatabase)")
      }
      let comment = String(decoding: try publishing(result, count).json(), as: UTF8.self)
      try workspace.publish(rows, as: outputTable, policy: policy, comment: comment)
      return (result, report, (count, targetTableLayout?.crs))
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
