import Foundation
import Testing

extension PostGISSuites {
  /// `-o PG:… --table schema.table` for the commands that write one layer
  /// (`interpolate`, `grid`, `points`), on the real throwaway server: the same
  /// rows as the file outputs; the grid of `--engine postgis` built by the
  /// server itself, with the same cells, vertex for vertex, as the Swift
  /// engine's; the balance as the table's comment; refusals with one line and
  /// the database as it was.
  @Suite("Results written to tables", .serialized)
  struct PostGISOutputTests {
    let cluster: PostGISCluster

    init() throws { cluster = try PostGISCluster.withTracts() }

    /// The rows of `table` ordered by `fid`, as CSV, without `fid` and `geom`:
    /// the columns a CSV output of the same command has.
    func exported(_ table: String, to path: String) throws {
      let parts = table.split(separator: ".")
      let columns = try cluster.sql(
        """
        SELECT quote_ident(column_name) FROM information_schema.columns
        WHERE table_schema = '\(parts[0])' AND table_name = '\(parts[1])'
          AND column_name NOT IN ('fid', 'geom') ORDER BY ordinal_position
        """
      ).split(separator: "\n").joined(separator: ", ")
      let csv = try cluster.sql(
        "COPY (SELECT \(columns) FROM \(table) ORDER BY fid) TO STDOUT WITH (FORMAT csv, HEADER)")
      try csv.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Interpolates the tracts onto `grid` three ways (Swift engine to a CSV
    /// file, Swift engine to a table, in-database engine to a table built by
    /// the server) and checks that all three hold the same rows, and the two
    /// tables the same cells.
    func expectTheSameGrid(_ grid: [String], name: String) throws {
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let common =
        [cluster.connection(), "-l", "census.tracts"] + PostGISEngineTests.variables + grid
      let file = folder.path + "/swift.csv"
      let bySwift = try Territory.runArray(["interpolate"] + common + ["-o", file])
      #expect(bySwift.status == 0, "\(bySwift.error)")
      let toTable = try Territory.runArray(
        ["interpolate"] + common + [
          "-o", cluster.connection(), "--table", "analysis.\(name)_swift",
        ])
      #expect(toTable.status == 0, "\(toTable.error)")
      #expect(!toTable.output.contains("built by the server"))
      let byServer = try Territory.runArray(
        ["interpolate"] + common
          + ["--engine", "postgis", "-o", cluster.connection(), "--table", "analysis.\(name)_db"])
      #expect(byServer.status == 0, "\(byServer.error)")
      #expect(byServer.output.contains("built by the server: no geometry crossed the connection"))
      #expect(
        byServer.output.contains("balance written to the comment of table analysis.\(name)_db"))
      for table in ["\(name)_swift", "\(name)_db"] {
        let path = folder.path + "/\(table).csv"
        try exported("analysis.\(table)", to: path)
        try CSVComparison.expectEqual(file, path)
        #expect(
          try cluster.value(
            "SELECT type || ' ' || srid FROM geometry_columns WHERE f_table_name = '\(table)'")
            == "POLYGON 31985")
        let comment = try cluster.value("SELECT obj_description('analysis.\(table)'::regclass)")
        #expect(comment.contains("\"totalIn\" : 377779"), "\(comment)")
      }
      // The server's cells are the Swift engine's, to the last bit of every vertex.
      #expect(
        try cluster.value(
          """
          SELECT count(*) FROM analysis.\(name)_swift a FULL JOIN analysis.\(name)_db b USING (fid)
          WHERE a.geom IS NULL OR b.geom IS NULL
            OR NOT ST_OrderingEquals(ST_Normalize(a.geom), ST_Normalize(b.geom))
          """) == "0")
      #expect(try cluster.value(PostGISEngineTests.workingTables) == "0")
    }

    @Test func squaresBuiltByTheServerEqualTheSwiftEngine() throws {
      try expectTheSameGrid(["--grid", "200"], name: "squares")
    }

    @Test func hexagonsBuiltByTheServerEqualTheSwiftEngine() throws {
      try expectTheSameGrid(["--grid", "150", "--shape", "hex"], name: "hexagons")
    }

    @Test func targetsWrittenToATableKeepTheirAttributes() throws {
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let squares = folder.appendingPathComponent("squares.geojson")
      try PostGISEngineTests.overlappingSquares.write(
        to: squares, atomically: true, encoding: .utf8)
      let common =
        [cluster.connection(), "-l", "census.tracts"] + PostGISEngineTests.variables
        + ["--target", squares.path]
      let file = folder.path + "/file.csv"
      let toFile = try Territory.runArray(["interpolate"] + common + ["-o", file])
      #expect(toFile.status == 0, "\(toFile.error)")
      for engine in ["swift", "postgis"] {
        let table = "analysis.squares_\(engine)"
        let written = try Territory.runArray(
          ["interpolate"] + common
            + ["--engine", engine, "-o", cluster.connection(), "--table", table, "--overwrite"])
        #expect(written.status == 0, "\(written.error)")
        #expect(written.output.contains("counts split by source-area share"))
        let path = folder.path + "/\(engine).csv"
        try exported(table, to: path)
        try CSVComparison.expectEqual(file, path)
        #expect(
          try cluster.value(
            "SELECT type FROM geometry_columns WHERE f_table_name = 'squares_\(engine)'")
            == "MULTIPOLYGON")
      }
    }

    /// Interpolates the tracts onto `targets` (a table) with the Swift engine
    /// to a CSV file, and with the in-database engine to a table the server
    /// builds itself, and checks that they hold the same rows.
    func expectTheSameTargets(
      _ targets: String, variables: [String], in folder: URL, rule: String
    ) throws {
      let common =
        [cluster.connection(), "-l", "census.tracts", "--to-crs", "EPSG:31985"] + variables
        + ["--target", cluster.connection(), "--target-layer", targets]
      let file = folder.path + "/file.csv"
      let toFile = try Territory.runArray(["interpolate"] + common + ["-o", file, "--overwrite"])
      #expect(toFile.status == 0, "\(toFile.error)")
      let table = "analysis.server_" + targets.split(separator: ".")[1]
      let byServer = try Territory.runArray(
        ["interpolate"] + common
          + ["--engine", "postgis", "-o", cluster.connection(), "--table", table, "--overwrite"])
      #expect(byServer.status == 0, "\(byServer.error)")
      #expect(byServer.output.contains("built by the server: no geometry crossed the connection"))
      #expect(byServer.output.contains("counts split by \(rule)"))
      let exported = folder.path + "/table.csv"
      try self.exported(table, to: exported)
      try CSVComparison.expectEqual(file, exported)
      #expect(try cluster.value(PostGISEngineTests.workingTables) == "0")
    }

    @Test func targetTablesAreBuiltByTheServerToo() throws {
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let squares = folder.appendingPathComponent("squares.geojson")
      try PostGISEngineTests.overlappingSquares.write(
        to: squares, atomically: true, encoding: .utf8)
      try cluster.sql("DROP TABLE IF EXISTS census.squares")
      try cluster.load(squares.path, as: "census.squares")
      try expectTheSameTargets(
        "census.squares", variables: Array(PostGISEngineTests.variables.dropFirst(2)), in: folder,
        rule: "source-area share")
      // The tracts onto themselves: every field kept, V014 and ID of the
      // results renamed V014_i and ID_i beside the targets' own.
      try expectTheSameTargets(
        "census.tracts", variables: Array(PostGISEngineTests.variables.dropFirst(2)), in: folder,
        rule: "covered-area share")
      let header = try cluster.value(
        """
        SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns
        WHERE table_schema = 'analysis' AND table_name = 'server_tracts'
        """)
      #expect(header.contains("V014,") && header.contains("V014_i,"), "\(header)")
    }

    @Test func gridAndPointsWriteTables() throws {
      let grid = try Territory.run(
        "grid", "--bbox", "0,0,1000,500", "--crs", "EPSG:31985", "--cell", "100", "-o",
        cluster.connection(), "--table", "analysis.cells")
      #expect(grid.status == 0, "\(grid.error)")
      #expect(grid.output.contains("50 cells"))
      #expect(try cluster.value("SELECT count(*) FROM analysis.cells") == "50")
      #expect(
        try cluster.value("SELECT sum(ST_Area(geom)) FROM analysis.cells") == "500000")
      let points = try Territory.run(
        "points", Territory.stations, "--to-crs", "EPSG:31985", "--grid", "500", "-o",
        cluster.connection(), "--table", "analysis.stations_500")
      #expect(points.status == 0, "\(points.error)")
      let placed = try Territory.run(
        "points", Territory.stations, "--to-crs", "EPSG:31985", "--grid", "500", "-o",
        try Territory.scratch().path + "/stations.csv")
      #expect(placed.status == 0)
      #expect(
        try cluster.value("SELECT sum(count) FROM analysis.stations_500")
          == placed.output.split(separator: " ")[2].description)
    }

    @Test func zonalStatisticsWriteATable() throws {
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let file = folder.path + "/zonal.csv"
      let common = ["zonal", Territory.dem, Territory.tracts, "--rule", "coverage"]
      let toFile = try Territory.runArray(common + ["-o", file])
      #expect(toFile.status == 0, "\(toFile.error)")
      let toTable = try Territory.runArray(
        common + ["-o", cluster.connection(), "--table", "analysis.elevation"])
      #expect(toTable.status == 0, "\(toTable.error)")
      #expect(toTable.output.contains("table analysis.elevation: 470 zones"))
      let exported = folder.path + "/table.csv"
      try self.exported("analysis.elevation", to: exported)
      try CSVComparison.expectEqual(file, exported)
      #expect(
        try cluster.value("SELECT type FROM geometry_columns WHERE f_table_name = 'elevation'")
          == "MULTIPOLYGON")
      #expect(
        try cluster.value("SELECT obj_description('analysis.elevation'::regclass)")
          .contains("TERRITORY_RULE=coverage"))
    }

    @Test func anExistingTableIsKeptWithoutOverwrite() throws {
      let common =
        [
          cluster.connection(), "-l", "census.tracts", "--to-crs", "EPSG:31985", "--extensive",
          "V014",
        ]
      let first = try Territory.runArray(
        ["interpolate"] + common
          + [
            "--grid", "400", "--engine", "postgis", "-o", cluster.connection(), "--table",
            "analysis.kept",
          ])
      #expect(first.status == 0, "\(first.error)")
      let before = try cluster.value("SELECT count(*) FROM analysis.kept")
      for engine in ["postgis", "swift"] {
        let again = try Territory.runArray(
          ["interpolate"] + common
            + [
              "--grid", "100", "--engine", engine, "-o", cluster.connection(), "--table",
              "analysis.kept",
            ])
        #expect(again.status == 1)
        #expect(
          again.error.hasPrefix("error: table analysis.kept already exists"), "\(again.error)")
        #expect(again.error.split(separator: "\n").count == 1)
        #expect(try cluster.value("SELECT count(*) FROM analysis.kept") == before)
      }
      let replaced = try Territory.runArray(
        ["interpolate"] + common
          + [
            "--grid", "100", "--engine", "postgis", "-o", cluster.connection(), "--table",
            "analysis.kept", "--overwrite",
          ])
      #expect(replaced.status == 0, "\(replaced.error)")
      #expect(try cluster.value("SELECT count(*) FROM analysis.kept") != before)
      #expect(try cluster.value(PostGISEngineTests.workingTables) == "0")
      #expect(
        try cluster.value("SELECT count(*) FROM pg_class WHERE relname LIKE 'territory_staging_%'")
          == "0")
    }

    @Test func aConnectionCutWhileTheServerBuildsTheTableLeavesNothing() throws {
      let result = try cluster.killing(during: "CREATE TABLE%territory_staging_%") { connection in
        try Territory.runArray(
          [
            "interpolate", connection, "-l", "census.tracts", "--to-crs", "EPSG:31985",
            "--extensive", "V014", "--grid", "10", "--engine", "postgis", "-o", connection,
            "--table", "analysis.cut",
          ])
      }
      #expect(result.status == 1)
      #expect(result.error.hasPrefix("error: "), "\(result.error)")
      #expect(result.error.split(separator: "\n").count == 1, "\(result.error)")
      #expect(try cluster.value("SELECT to_regclass('analysis.cut')").isEmpty)
      #expect(try cluster.value(PostGISEngineTests.workingTables) == "0")
      #expect(
        try cluster.value("SELECT count(*) FROM pg_class WHERE relname LIKE 'territory_staging_%'")
          == "0")
    }

    @Test func aTableIsNamedOnlyForADatabaseOutput() throws {
      let common = [
        Territory.tracts, "--to-crs", "EPSG:31985", "--extensive", "V014", "--grid", "200",
      ]
      let noTable = try Territory.runArray(["interpolate"] + common + ["-o", cluster.connection()])
      #expect(noTable.status != 0)
      #expect(noTable.error.contains("a PG: output needs --table"), "\(noTable.error)")
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let onFile = try Territory.runArray(
        ["interpolate"] + common + ["-o", folder.path + "/out.gpkg", "--table", "analysis.x"])
      #expect(onFile.status != 0)
      #expect(onFile.error.contains("--table names the table of a PG: output"), "\(onFile.error)")
      #expect(Territory.contents(of: folder).isEmpty)
    }

    @Test func aReadOnlyRoleGetsAnErrorAndNoTable() throws {
      try cluster.addRole("reader")
      try cluster.sql("GRANT USAGE ON SCHEMA census TO reader")
      let result = try Territory.runArray(
        [
          "interpolate", Territory.tracts, "--to-crs", "EPSG:31985", "--extensive", "V014",
          "--grid", "200", "-o", cluster.connection(as: "reader"), "--table", "census.denied",
        ])
      #expect(result.status == 1)
      #expect(result.error.hasPrefix("error: "), "\(result.error)")
      #expect(result.error.contains("permission denied"), "\(result.error)")
      #expect(result.error.split(separator: "\n").count == 1)
      #expect(try cluster.value("SELECT to_regclass('census.denied')").isEmpty)
    }
  }
}
