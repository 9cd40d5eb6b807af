import GDALKit
import GeoCore

/// The output grid built by the server itself, for a job whose output is a
/// table of the database it computes in: the cells' geometries are generated
/// in SQL beside their sums, so no geometry crosses the connection, in either
/// direction. The columns, their order and their values are those
/// `TableWriter.writeGrid` writes from `ValueTable`.
extension DatabaseInterpolation {
  /// The categories of each categorical variable, sorted by name as the
  /// client path sorts them: each with its name (the value as `FieldValue`
  /// shows it, for the column) and its text in SQL (`category::text`, to select it).
  func categories(in areas: [String]) throws -> [[(name: String, text: String)]] {
    try areas.map { table in
      var found: [(name: String, text: String)] = []
      try workspace.forEachRow(
        "SELECT DISTINCT category AS value, category::text AS text FROM \(table)"
      ) { row in
        found.append((row[0].description, row[1].description))
      }
      return found.sorted { $0.name < $1.name }
    }
  }

  /// The sum over every target of each extensive variable.
  func totalsOut(totals: String) throws -> [Double] {
    guard !extensiveNames.isEmpty else { return [] }
    let sums = extensiveNames.indices.map { "coalesce(sum(e\($0)), 0)" }
    var values: [Double] = []
    try workspace.forEachRow("SELECT \(sums.joined(separator: ", ")) FROM \(totals)") { row in
      values = row.map { $0.doubleValue ?? 0 }
    }
    return values
  }

  /// The number of rows of working table `table`.
  func count(_ table: String) -> Int {
    Int(workspace.value("SELECT count(*) FROM \(table)") ?? "0") ?? 0
  }

  /// A `SELECT` of the grid's rows, in row-major order: `fid`, the cell's
  /// columns (`col`, `row`, then its bounds, or its centre for hexagons, and
  /// the INSPIRE identifier), `covered_area`, the variables under their own
  /// names, one share per category (`<variable>_<category>`, empty where no
  /// category covers the cell), and `geom`. The shares are grouped first into
  /// working tables, with parallel workers.
  func gridRows(
    totals: String, categoryAreas: [String], categories: [[(name: String, text: String)]],
    shape: GridShape
  ) throws -> String {
    var columns = ["row_number() OVER (ORDER BY t.row, t.col) AS fid", "t.col", "t.row"]
    let geometry: String
    switch shape {
    case .square(let grid):
      let bounds = squareBounds(grid, column: "t.col", row: "t.row")
      columns += zip(bounds, ["x_min", "y_min", "x_max", "y_max"]).map { "\($0) AS \($1)" }
      if grid.inspire { columns.append(inspireIdentifier(grid) + " AS inspire_id") }
      geometry = squareCell(grid, column: "t.col", row: "t.row")
    case .hexagon(let grid):
      let shift = "CASE WHEN t.row % 2 <> 0 THEN \(sql(grid.spacing)) / 2 ELSE 0 END"
      let x = "(t.col::float8 * \(sql(grid.spacing)) + \(shift))"
      let y = "(t.row::float8 * 1.5 * \(sql(grid.radius)))"
      columns += ["\(x) AS x", "\(y) AS y"]
      geometry = hexagonCell(grid, x: x, y: y)
    }
    columns.append("t.covered_area")
    columns += extensiveNames.enumerated().map { "t.e\($0) AS \(PostGISTable.quoted($1))" }
    columns += intensiveNames.enumerated().map { "t.i\($0) AS \(PostGISTable.quoted($1))" }
    var joins: [String] = []
    for (index, areas) in categoryAreas.enumerated() where !categories[index].isEmpty {
      let shares = workspace.table("shares\(index)")
      let sums = categories[index].enumerated().map { number, category in
        "coalesce(sum(area) FILTER (WHERE category::text = \(PostGISTable.literal(category.text))), 0)"
          + " / sum(area) AS s\(number)"
      }
      try workspace.execute(
        """
        CREATE TABLE \(shares) AS
        SELECT col, row, \(sums.joined(separator: ", ")) FROM \(areas) GROUP BY col, row
        """)
      joins.append(
        "LEFT JOIN \(shares) c\(index) ON c\(index).col = t.col AND c\(index).row = t.row")
      columns += categories[index].enumerated().map { number, category in
        let name = categoricalNames[index] + "_" + TableWriter.columnSafe(category.name)
        return "c\(index).s\(number) AS \(PostGISTable.quoted(name))"
      }
    }
    columns.append("(\(geometry))::geometry(Polygon, \(srid)) AS geom")
    return """
      SELECT \(columns.joined(separator: ", "))
      FROM \(totals) t \(joins.joined(separator: " "))
      """
  }

  /// `SquareGrid.inspireIdentifier(column:row:)` as SQL: whole metres as
  /// integers (the grids INSPIRE defines have whole sizes), others as float8 text.
  private func inspireIdentifier(_ grid: SquareGrid) -> String {
    let size = grid.cellSize
    guard size.rounded() == size, abs(size) < 1e9 else {
      let s = sql(size)
      return
        "'CRS3035RES' || \(s)::text || 'mN' || (t.row::float8 * \(s))::text || 'E' || (t.col::float8 * \(s))::text"
    }
    let whole = Int64(size)
    return "'CRS3035RES\(whole)mN' || (t.row * \(whole))::text || 'E' || (t.col * \(whole))::text"
  }
}
