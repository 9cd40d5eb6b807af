import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// The sources and targets of an in-database interpolation, as working tables
/// of a `PostGISWorkspace`, all in the working CRS:
/// - sources: `seq`, `geom`, and the variables renamed `e0…`, `i0…` (float8)
///   and `c0…` (text), so that no field name ever reaches the SQL;
/// - targets: `seq` (the target's index in its layer) and `geom`.
///
/// A source table in the same database is read in SQL (`ST_Transform`,
/// `ST_IsValid`, `ST_MakeValid`): its geometries never leave the server. A
/// file is read and prepared as the Swift engine does (reprojection, repairs,
/// mask) and sent by `COPY`.
struct DatabaseSources {
  let workspace: PostGISWorkspace
  let request: SourceRequest
  let workingSRID: Int

  /// The sources' working table, with the load report.
  func load(workingCRS: CRS, mask: PolygonMask?, maskPath: String?) throws -> (
    table: String, report: SourceLoadReport
  ) {
    if PostgreSQLConnection.isConnection(request.path) {
      if let maskPath {
        throw AnalysisError.databaseEngine(
          problem:
            "cannot apply the mask \(maskPath) to a source table; load the masked sources with the Swift engine, or drop --mask"
        )
      }
      return try loadTable()
    }
    return try loadFile(workingCRS: workingCRS, mask: mask)
  }

  private var variableFields: [Field] {
    request.extensive.indices.map { Field(name: "e\($0)", type: .real) }
      + request.intensive.indices.map { Field(name: "i\($0)", type: .real) }
      + request.categorical.indices.map { Field(name: "c\($0)", type: .string) }
  }

  /// A file: read and prepared in Swift, then copied into the workspace.
  private func loadFile(workingCRS: CRS, mask: PolygonMask?) throws -> (
    table: String, report: SourceLoadReport
  ) {
    let (units, report) = try SourceLoader.load(request, workingCRS: workingCRS, mask: mask)
    let fields = [Field(name: "seq", type: .integer64)] + variableFields
    var features: [Feature] = []
    features.reserveCapacity(units.count)
    for (index, unit) in units.enumerated() {
      var values: [FieldValue] = [.integer(Int64(index))]
      values += unit.extensive.map { $0.map(FieldValue.real) ?? .null }
      values += unit.intensive.map { $0.map(FieldValue.real) ?? .null }
      values += unit.categories.map { $0.map(FieldValue.string) ?? .null }
      let geometry = try unit.shape.map(Geometry.polygonal)
      features.append(Feature(id: unit.id, attributes: values, geometry: geometry))
    }
    let table = try workspace.upload(
      "sources", fields: fields, crs: workingCRS, features: features)
    return (table, report)
  }

  /// A table of the same database: copied into the workspace in SQL.
  private func loadTable() throws -> (table: String, report: SourceLoadReport) {
    let opened = try LayerSource(
      path: request.path, layer: request.layer, assumedCRS: request.sourceCRS
    ).open()
    try opened.requirePolygons()
    var report = SourceLoadReport()
    report.sourceCRS = try opened.requireCRS()
    report.warnings = opened.layer.integrityWarnings
    // The same checks of the variables, with the same messages, as the Swift engine.
    _ = try SourceBuilder(
      request, fields: opened.fields, layer: opened.name, makeValid: request.makeValid, mask: nil)
    let source = try PostGISTable(parsing: opened.name).qualified
    let geometryColumn = PostGISTable.quoted(opened.layer.geometryColumn)
    var geometry = geometryColumn
    if let assumed = request.sourceCRS {
      guard let code = assumed.epsgCode else {
        throw AnalysisError.databaseEngine(
          problem: "needs an EPSG code for --source-crs, not \(assumed); give one as EPSG:n")
      }
      geometry = "ST_SetSRID(\(geometryColumn), \(code))"
    }
    let idColumn = opened.layer.idColumn
    let id = idColumn.isEmpty ? "row_number() OVER ()" : PostGISTable.quoted(idColumn)
    func column(_ name: String, _ type: String, as alias: String) -> String {
      "\(PostGISTable.quoted(name))::\(type) AS \(alias)"
    }
    let columns =
      request.extensive.enumerated().map { column($1, "float8", as: "e\($0)") }
      + request.intensive.enumerated().map { column($1, "float8", as: "i\($0)") }
      + request.categorical.enumerated().map { column($1, "text", as: "c\($0)") }
    let table = workspace.table("sources")
    try workspace.execute(
      """
      CREATE TABLE \(table) AS
      SELECT (row_number() OVER ())::int8 - 1 AS seq, \(id)::int8 AS source_id,
        ST_Transform(\(geometry), \(workingSRID)) AS geom, \(columns.joined(separator: ", "))
      FROM \(source)
      """)
    let invalid = "geom IS NOT NULL AND NOT ST_IsEmpty(geom) AND NOT ST_IsValid(geom)"
    var invalidCount = 0
    try workspace.forEachRow(
      """
      SELECT count(*) AS rows, count(*) FILTER (WHERE geom IS NULL OR ST_IsEmpty(geom)) AS empty,
        count(*) FILTER (WHERE \(invalid)) AS invalid FROM \(table)
      """
    ) { row in
      let counts = row.map { Int($0.doubleValue ?? 0) }
      (report.read, report.withoutGeometry, invalidCount) = (counts[0], counts[1], counts[2])
    }
    if invalidCount > 0 && !request.makeValid {
      var firstIDs: [Int64] = []
      try workspace.forEachRow(
        "SELECT source_id FROM \(table) WHERE \(invalid) ORDER BY seq LIMIT 5"
      ) { row in
        if case .integer(let value) = row[0] { firstIDs.append(value) }
      }
      throw AnalysisError.invalidGeometries(
        path: request.path, layer: opened.name, count: invalidCount, firstIDs: firstIDs)
    }
    if invalidCount > 0 {
      try workspace.execute("UPDATE \(table) SET geom = ST_MakeValid(geom) WHERE \(invalid)")
      report.repaired = invalidCount
    }
    // The polygonal part of each geometry, as the Swift engine keeps.
    try workspace.execute(
      """
      UPDATE \(table) SET geom = ST_CollectionExtract(geom, 3)
      WHERE geom IS NOT NULL AND GeometryType(geom) NOT IN ('POLYGON', 'MULTIPOLYGON')
      """)
    let polygons = workspace.value(
      "SELECT count(*) FROM \(table) WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)")
    if polygons == "0" {
      throw AnalysisError.emptySource(path: request.path, layer: opened.name)
    }
    try workspace.execute("ANALYZE \(table)")
    return (table, report)
  }

  /// The target polygons (in the working CRS) as a working table.
  func loadTargets(_ shapes: [PolygonalShape?], crs: CRS) throws -> String {
    var features: [Feature] = []
    features.reserveCapacity(shapes.count)
    for (index, shape) in shapes.enumerated() {
      features.append(
        Feature(
          id: Int64(index), attributes: [.integer(Int64(index))],
          geometry: try shape.map(Geometry.polygonal)))
    }
    return try workspace.upload(
      "targets", fields: [Field(name: "seq", type: .integer64)], crs: crs, features: features)
  }

  /// Target polygons from a table of the same database, copied into the
  /// workspace in SQL as `TargetLayer.load` reads a layer: in the working CRS,
  /// repaired when invalid, their polygonal part; `seq` in the table's key
  /// order, and the table's fields renamed `a0…`. Their geometries never leave
  /// the server.
  /// - Returns: the working table, the fields, and the table's CRS.
  /// - Throws: `GDALError.missingCRS`, `.notPolygons`, `AnalysisError.emptySource`.
  func loadTargetTable(path: String, layer: String?) throws -> (
    table: String, fields: [Field], crs: CRS
  ) {
    let opened = try LayerSource(path: path, layer: layer).open()
    let crs = try opened.requireCRS()
    try opened.requirePolygons()
    let source = try PostGISTable(parsing: opened.name).qualified
    let geometry =
      "ST_Transform(\(PostGISTable.quoted(opened.layer.geometryColumn)), \(workingSRID))"
    let idColumn = opened.layer.idColumn
    let order = idColumn.isEmpty ? "" : "ORDER BY \(PostGISTable.quoted(idColumn))"
    let columns = opened.fields.enumerated().map { "\(PostGISTable.quoted($1.name)) AS a\($0)" }
    let table = workspace.table("targets")
    try workspace.execute(
      """
      CREATE TABLE \(table) AS
      SELECT (row_number() OVER (\(order)))::int8 - 1 AS seq,
        ST_CollectionExtract(CASE WHEN ST_IsValid(territory_target_geometry)
          THEN territory_target_geometry ELSE ST_MakeValid(territory_target_geometry) END, 3) AS geom
        \(columns.map { ", " + $0 }.joined())
      FROM (SELECT \(geometry) AS territory_target_geometry, * FROM \(source)) AS s
      """)
    if workspace.value("SELECT count(*) FROM \(table)") == "0" {
      throw AnalysisError.emptySource(path: path, layer: opened.name)
    }
    try workspace.execute("CREATE INDEX ON \(table) USING GIST (geom)")
    try workspace.execute("ANALYZE \(table)")
    return (table, opened.fields, crs)
  }
}
