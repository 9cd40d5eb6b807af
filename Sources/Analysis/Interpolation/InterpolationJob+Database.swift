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
  /// The interpolation computed inside the database: the source table's own
  /// database, or `database` for a file. Every working table lives in one
  /// transaction that is rolled back at the end, so nothing is left behind.
  func interpolateInDatabase(
    onto makeTargets: () throws -> InterpolationTargets, mask: PolygonMask?
  ) throws -> (InterpolationResult, SourceLoadReport) {
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
    let (values, categories) = try engine.targetValues(
      totals: totals, pieces: pieces, polygonCount: polygonCount)
    let balances = try engine.balances(
      denominators: denominators, overlapping: overlapping, targets: values)
    let result = InterpolationResult(
      targets: values, extensiveNames: source.extensive, intensiveNames: source.intensive,
      categorical: zip(source.categorical, categories).map { ($0, $1) }, balances: balances,
      rule: overlapping ? .sourceAreaShare : .coveredAreaShare, sourceCount: report.read)
    return (result, report)
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
