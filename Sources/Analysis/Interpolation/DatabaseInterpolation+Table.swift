import GDALKit
import GeoCore

/// The output table built by the server itself, for a job whose output is a
/// table of the database it computes in: grid cells are generated in SQL
/// beside their sums, target polygons come from a table of that database, so
/// no geometry crosses the connection, in either direction. The columns,
/// their order and their values are those `TableWriter` writes from `ValueTable`.
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
  /// the INSPIRE identifier), `covered_area`, the values (`valueColumns`),
  /// and `geom`.
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
    let values = try valueColumns(
      categoryAreas: categoryAreas, categories: categories, names: nil, untouched: nil)
    columns += values.columns.map { "\($0.expression) AS \(PostGISTable.quoted($0.name))" }
    columns.append("(\(geometry))::geometry(Polygon, \(srid)) AS geom")
    return """
      SELECT \(columns.joined(separator: ", "))
      FROM \(totals) t \(values.joins(on: "t.col", "t.row"))
      """
  }

  /// A `SELECT` of the target polygons' rows, in their layer's order: `fid`,
  /// their own columns (`a0…` of `DatabaseSources.loadTargetTable`, under
  /// their names), the values (`valueColumns`, renamed as
  /// `TableWriter.writeTargets` renames them) with 0 for the counts of a
  /// target no source reaches, and `geom` as a multipolygon.
  func targetRows(
    targets: String, fields: [Field], totals: String, categoryAreas: [String],
    categories: [[(name: String, text: String)]]
  ) throws -> String {
    var columns = ["t.seq + 1 AS fid"]
    columns += fields.enumerated().map { "t.a\($0) AS \(PostGISTable.quoted($1.name))" }
    let values = try valueColumns(
      categoryAreas: categoryAreas, categories: categories, names: fields, untouched: "0")
    columns += values.columns.map { "\($0.expression) AS \(PostGISTable.quoted($0.name))" }
    columns.append(
      """
      (CASE WHEN t.geom IS NULL OR ST_IsEmpty(t.geom) THEN NULL ELSE ST_Multi(t.geom) END)\
      ::geometry(MultiPolygon, \(srid)) AS geom
      """)
    return """
      SELECT \(columns.joined(separator: ", "))
      FROM \(targets) t LEFT JOIN \(totals) v ON v.row = t.seq \(values.joins(on: "0", "t.seq"))
      """
  }

  /// The value columns of an output, in `ValueTable`'s order: the variables
  /// under their own names (renamed with `_i` where one of `names` has the
  /// name already), then one share per category (`<variable>_<category>`,
  /// empty where no category covers the target). Sums come from the totals
  /// (`t` for grids, `v` for targets; `untouched` stands for a count no source
  /// reaches); shares from working tables grouped here, with parallel workers.
  private func valueColumns(
    categoryAreas: [String], categories: [[(name: String, text: String)]], names: [Field]?,
    untouched: String?
  ) throws -> ValueColumns {
    let totals = untouched == nil ? "t" : "v"
    var expressions = extensiveNames.indices.map { index in
      untouched.map { "coalesce(\(totals).e\(index), \($0))" } ?? "\(totals).e\(index)"
    }
    expressions += intensiveNames.indices.map { "\(totals).i\($0)" }
    var fields = (extensiveNames + intensiveNames).map { Field(name: $0, type: .real) }
    var result = ValueColumns()
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
      result.shares.append((shares, "c\(index)"))
      for (number, category) in categories[index].enumerated() {
        expressions.append("c\(index).s\(number)")
        fields.append(
          Field(
            name: categoricalNames[index] + "_" + TableWriter.columnSafe(category.name), type: .real
          ))
      }
    }
    if let names { fields = TableWriter.valueFields(fields, besides: names) }
    result.columns = zip(expressions, fields).map { ($0, $1.name) }
    return result
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

/// The value columns of an output query, and the share tables they join.
private struct ValueColumns {
  var columns: [(expression: String, name: String)] = []
  var shares: [(table: String, alias: String)] = []

  /// The `LEFT JOIN`s of the share tables on a target's column and row.
  func joins(on column: String, _ row: String) -> String {
    shares.map {
      "LEFT JOIN \($0.table) \($0.alias) ON \($0.alias).col = \(column) AND \($0.alias).row = \(row)"
    }
    .joined(separator: " ")
  }
}
