import GDALKit
import GeoCore
import PROJKit

/// Areal interpolation computed inside PostgreSQL with PostGIS: the same
/// formulas, cells and rules as `ArealInterpolation`, written as SQL over the
/// working tables of `DatabaseSources`.
///
/// 1. **Pieces** (source, target, area a_ij). Grid cells are generated in SQL
///    for each source, with the grid's own formulas (aligned squares;
///    pointy-top hexagons, corners computed with the same floating-point
///    operations as `HexGrid`); sources are first cut by `ST_Subdivide` so
///    that each intersection stays small. A cell inside a piece counts its
///    whole area; others the area of `ST_Intersection`. Target polygons are
///    intersected whole, found through their GiST index.
/// 2. **Sums** per target, grouped by `CREATE TABLE … AS SELECT … GROUP BY`,
///    which PostgreSQL runs with parallel workers (a query read through a
///    cursor would not be).
/// 3. Only the sums (numbers, never geometries) come back to build the
///    `InterpolationResult`.
///
/// Parallel sums add in an order that can change from run to run, so results
/// agree with the Swift engine's to about 1e-12 relative, not bit for bit.
struct DatabaseInterpolation {
  let workspace: PostGISWorkspace
  let sources: String
  let extensiveNames: [String]
  let intensiveNames: [String]
  let categoricalNames: [String]
  let srid: Int

  /// Lets the planner use up to `workers` parallel workers per query (beside
  /// the connection's own process), even on small working tables.
  func allowParallelPlans(workers: Int) throws {
    for setting in [
      "max_parallel_workers_per_gather = \(max(0, workers))", "parallel_setup_cost = 0",
      "parallel_tuple_cost = 0", "min_parallel_table_scan_size = 0",
    ] {
      try workspace.execute("SET LOCAL \(setting)")
    }
  }

  /// The pieces of every source on a grid, in working table `pieces`
  /// (`seq`, `col`, `row`, `area`; only areas > 0).
  func gridPieces(_ shape: GridShape) throws -> String {
    let parts = workspace.table("parts")
    try workspace.execute(
      """
      CREATE TABLE \(parts) AS
      SELECT seq, (ST_Dump(ST_Subdivide(geom, 256))).geom AS geom
      FROM \(sources) WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)
      """)
    try workspace.execute("ANALYZE \(parts)")
    let cells: String
    switch shape {
    case .square(let grid):
      let s = sql(grid.cellSize)
      let x0 = sql(grid.origin.x)
      let y0 = sql(grid.origin.y)
      cells = """
        CROSS JOIN LATERAL generate_series(
          floor((ST_XMin(p.geom) - \(x0)) / \(s))::int8,
          ceil((ST_XMax(p.geom) - \(x0)) / \(s))::int8 - 1) AS col
        CROSS JOIN LATERAL generate_series(
          floor((ST_YMin(p.geom) - \(y0)) / \(s))::int8,
          ceil((ST_YMax(p.geom) - \(y0)) / \(s))::int8 - 1) AS row
        CROSS JOIN LATERAL (SELECT \(squareCell(grid, column: "col", row: "row")) AS cell) c
        """
    case .hexagon(let grid):
      let d = sql(grid.spacing)
      let r = sql(grid.radius)
      // The rows and columns of HexGrid.cells(covering:), then the six corners
      // of HexGrid.vertices(column:row:).
      cells = """
        CROSS JOIN LATERAL generate_series(
          floor((ST_YMin(p.geom) - \(r)) / (1.5 * \(r)))::int8,
          ceil((ST_YMax(p.geom) + \(r)) / (1.5 * \(r)))::int8) AS row
        CROSS JOIN LATERAL (SELECT CASE WHEN row % 2 <> 0 THEN \(d) / 2 ELSE 0 END AS shift,
          row::float8 * 1.5 * \(r) AS cy) AS r
        CROSS JOIN LATERAL generate_series(
          floor((ST_XMin(p.geom) - r.shift + \(d) / 2) / \(d))::int8,
          greatest(floor((ST_XMin(p.geom) - r.shift + \(d) / 2) / \(d)),
            ceil((ST_XMax(p.geom) - r.shift - \(d) / 2) / \(d)))::int8) AS col
        CROSS JOIN LATERAL (SELECT col::float8 * \(d) + r.shift AS cx) AS x
        CROSS JOIN LATERAL (SELECT \(hexagonCell(grid, x: "x.cx", y: "r.cy")) AS cell) c
        """
    }
    let pieces = workspace.table("pieces")
    try workspace.execute(
      """
      CREATE TABLE \(pieces) AS
      SELECT seq, col, row, sum(area) AS area FROM (
        SELECT p.seq, col, row, CASE WHEN ST_Contains(p.geom, c.cell) THEN ST_Area(c.cell)
          ELSE ST_Area(ST_Intersection(p.geom, c.cell)) END AS area
        FROM \(parts) p
        \(cells)
        WHERE ST_Intersects(p.geom, c.cell)) AS q
      GROUP BY seq, col, row HAVING sum(area) > 0
      """)
    return pieces
  }

  /// The pieces of every source on target polygons (`seq`, `col` = 0,
  /// `row` = the target's index, `area`; only areas > 0), and whether the
  /// targets overlap (by the rule of `ArealInterpolation.targetsOverlap`).
  func polygonPieces(targets: String) throws -> (pieces: String, overlapping: Bool) {
    let pieces = workspace.table("pieces")
    try workspace.execute(
      """
      CREATE TABLE \(pieces) AS
      SELECT s.seq, 0::int8 AS col, t.seq AS row, ST_Area(ST_Intersection(s.geom, t.geom)) AS area
      FROM \(sources) s JOIN \(targets) t ON ST_Intersects(s.geom, t.geom)
      WHERE NOT ST_IsEmpty(t.geom)
      """)
    try workspace.execute("DELETE FROM \(pieces) WHERE NOT area > 0")
    let overlap = workspace.value(
      """
      SELECT EXISTS (SELECT 1 FROM \(targets) a JOIN \(targets) b
        ON a.seq < b.seq AND ST_Intersects(a.geom, b.geom)
        WHERE ST_Area(ST_Intersection(a.geom, b.geom))
          > 1e-6 * least(ST_Area(a.geom), ST_Area(b.geom)))
      """)
    return (pieces, overlap == "t" || overlap == "1" || overlap == "true")
  }

  /// Each source's denominator (`covered`, the sum of its pieces, or its own
  /// area when targets overlap) and the part of it that targets cover once.
  func denominators(pieces: String, targets: String?, overlapping: Bool) throws -> String {
    let table = workspace.table("denominators")
    let covered = "SELECT seq, sum(area) AS covered FROM \(pieces) GROUP BY seq"
    guard overlapping, let targets else {
      try workspace.execute(
        """
        CREATE TABLE \(table) AS
        SELECT seq, covered, covered AS denominator, covered AS covered_once FROM (\(covered)) AS c
        """)
      return table
    }
    try workspace.execute(
      """
      CREATE TABLE \(table) AS
      SELECT c.seq, c.covered, ST_Area(s.geom) AS denominator,
        CASE WHEN c.touched > 1 THEN ST_Area(ST_Intersection(s.geom, (
          SELECT ST_Union(t.geom) FROM \(pieces) p JOIN \(targets) t ON t.seq = p.row
          WHERE p.seq = c.seq))) ELSE c.covered END AS covered_once
      FROM (SELECT seq, sum(area) AS covered, count(*) AS touched FROM \(pieces) GROUP BY seq) AS c
      JOIN \(sources) s USING (seq)
      """)
    return table
  }

  /// The sums per target, in working table `totals`.
  func totals(pieces: String, denominators: String) throws -> String {
    var columns = ["sum(p.area) AS covered_area"]
    columns += extensiveNames.indices.map {
      "coalesce(sum(s.e\($0) * (p.area / d.denominator)), 0) AS e\($0)"
    }
    columns += intensiveNames.indices.map {
      "sum(s.i\($0) * p.area) / nullif(sum(p.area) FILTER (WHERE s.i\($0) IS NOT NULL), 0) AS i\($0)"
    }
    let table = workspace.table("totals")
    try workspace.execute(
      """
      CREATE TABLE \(table) AS
      SELECT p.col, p.row, \(columns.joined(separator: ", "))
      FROM \(pieces) p JOIN \(sources) s USING (seq) JOIN \(denominators) d USING (seq)
      WHERE d.denominator > 0
      GROUP BY p.col, p.row
      """)
    return table
  }

  /// The mass balance of every extensive variable; `totalsOut` are the sums
  /// over the targets, one per variable.
  func balances(denominators: String, overlapping: Bool, totalsOut: [Double]) throws
    -> [MassBalance]
  {
    try extensiveNames.enumerated().map { index, name in
      let e = "s.e\(index)"
      let uncoveredPart =
        overlapping
        ? "WHEN d.denominator > 0 THEN \(e) * greatest(0, 1 - d.covered_once / d.denominator)"
        : ""
      var totalIn = 0.0
      var outside = 0.0
      try workspace.forEachRow(
        """
        SELECT coalesce(sum(\(e)), 0) AS total_in, coalesce(sum(CASE
          WHEN d.seq IS NULL OR NOT d.covered > 0 OR NOT d.denominator > 0 THEN \(e)
          \(uncoveredPart) ELSE 0 END), 0) AS outside
        FROM \(sources) s LEFT JOIN \(denominators) d USING (seq) WHERE \(e) IS NOT NULL
        """
      ) { row in
        totalIn = row[0].doubleValue ?? 0
        outside = row[1].doubleValue ?? 0
      }
      return MassBalance(
        variable: name, totalIn: totalIn, totalOut: totalsOut[index], outside: outside)
    }
  }

  /// The area of each category of each categorical variable per target, one
  /// working table per variable (`col`, `row`, `category`, `area`), grouped
  /// into a table because a query read through a cursor runs on one process.
  func categoryAreas(pieces: String) throws -> [String] {
    try categoricalNames.indices.map { index in
      let areas = workspace.table("categories\(index)")
      try workspace.execute(
        """
        CREATE TABLE \(areas) AS
        SELECT p.col, p.row, s.c\(index) AS category, sum(p.area) AS area
        FROM \(pieces) p JOIN \(sources) s USING (seq)
        WHERE s.c\(index) IS NOT NULL GROUP BY p.col, p.row, s.c\(index)
        """)
      return areas
    }
  }

  /// The targets' values: every cell with a piece (row-major), or every target
  /// polygon of `polygonCount` (in input order, untouched ones included).
  func targetValues(totals: String, categoryAreas: [String], polygonCount: Int?) throws -> (
    [TargetValues], [[String]]
  ) {
    var shares = [[TargetKey: [String: Double]]](repeating: [:], count: categoricalNames.count)
    var seen = [Set<String>](repeating: [], count: categoricalNames.count)
    for (index, areas) in categoryAreas.enumerated() {
      try workspace.forEachRow("SELECT * FROM \(areas)") { row in
        let key = TargetKey(column: Int(row[0].doubleValue ?? 0), row: Int(row[1].doubleValue ?? 0))
        let category = row[2].description
        shares[index][key, default: [:]][category] = row[3].doubleValue ?? 0
        seen[index].insert(category)
      }
    }
    var values: [TargetValues] = []
    let order = polygonCount == nil ? "row, col" : "row"
    try workspace.forEachRow("SELECT * FROM \(totals) ORDER BY \(order)") { row in
      let key = TargetKey(column: Int(row[0].doubleValue ?? 0), row: Int(row[1].doubleValue ?? 0))
      let extensive = extensiveNames.indices.map { row[3 + $0].doubleValue ?? 0 }
      let intensive = intensiveNames.indices.map { row[3 + extensiveNames.count + $0].doubleValue }
      values.append(
        TargetValues(
          key: key, coveredArea: row[2].doubleValue ?? 0, extensive: extensive,
          intensive: intensive,
          categoryShares: categoricalNames.indices.map { Self.normalised(shares[$0][key]) }))
    }
    if let polygonCount {
      var byIndex = [Int: TargetValues]()
      for value in values { byIndex[value.key.row] = value }
      values = (0..<polygonCount).map { index in
        byIndex[index]
          ?? TargetValues(
            key: TargetKey(column: 0, row: index), coveredArea: 0,
            extensive: extensiveNames.map { _ in 0 }, intensive: intensiveNames.map { _ in nil },
            categoryShares: categoricalNames.map { _ in [:] })
      }
    }
    return (values, seen.map { $0.sorted() })
  }

  /// Areas per category as shares of their sum (empty when nothing was covered).
  private static func normalised(_ areas: [String: Double]?) -> [String: Double] {
    guard let areas else { return [:] }
    let total = areas.values.reduce(0, +)
    return total > 0 ? areas.mapValues { $0 / total } : [:]
  }

  /// The square cell (`column`, `row`: SQL expressions) as SQL, with the
  /// floating-point operations of `LatticeCoverage`'s `x(_:)` and `y(_:)`.
  func squareCell(_ grid: SquareGrid, column: String, row: String) -> String {
    let bounds = squareBounds(grid, column: column, row: row)
    return "ST_MakeEnvelope(\(bounds.joined(separator: ", ")), \(srid))"
  }

  /// x_min, y_min, x_max, y_max of the square cell (`column`, `row`) as SQL.
  func squareBounds(_ grid: SquareGrid, column: String, row: String) -> [String] {
    let s = sql(grid.cellSize)
    let x0 = sql(grid.origin.x)
    let y0 = sql(grid.origin.y)
    return [
      "\(x0) + \(column)::float8 * \(s)", "\(y0) + \(row)::float8 * \(s)",
      "\(x0) + (\(column) + 1)::float8 * \(s)", "\(y0) + (\(row) + 1)::float8 * \(s)",
    ]
  }

  /// The hexagon centred on (`x`, `y`: SQL expressions) as SQL: the six
  /// corners of `HexGrid.vertices(column:row:)`, same operations, same order.
  func hexagonCell(_ grid: HexGrid, x: String, y: String) -> String {
    let d = sql(grid.spacing)
    let r = sql(grid.radius)
    return """
      ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY[
        ST_MakePoint(\(x) + \(d) / 2, \(y) - \(r) / 2), ST_MakePoint(\(x) + \(d) / 2, \(y) + \(r) / 2),
        ST_MakePoint(\(x), \(y) + \(r)), ST_MakePoint(\(x) - \(d) / 2, \(y) + \(r) / 2),
        ST_MakePoint(\(x) - \(d) / 2, \(y) - \(r) / 2), ST_MakePoint(\(x), \(y) - \(r)),
        ST_MakePoint(\(x) + \(d) / 2, \(y) - \(r) / 2)])), \(srid))
      """
  }

  /// A float8 literal that reads back as exactly `value`.
  func sql(_ value: Double) -> String { "(\(value.description))::float8" }
}
