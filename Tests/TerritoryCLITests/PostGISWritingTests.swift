import Foundation
import Testing

extension PostGISSuites {
  /// Layers loaded into PostGIS tables with `convert FILE PG:… --table`, on a real
  /// throwaway server (PostGISCluster): the table reads back as the file did, has
  /// its key, index and statistics, and every refused or broken load leaves the
  /// database as it was.
  @Suite("Writing to PostGIS", .serialized)
  struct PostGISWritingTests {
    let cluster: PostGISCluster

    init() throws { cluster = try PostGISCluster.shared.get() }

    /// Loads the Olinda tracts into `table` with `territory convert`.
    func load(_ table: String, from file: String = Territory.tracts, _ more: String...) throws
      -> CommandResult
    {
      try Territory.runArray(["convert", file, cluster.connection(), "--table", table] + more)
    }

    /// The tables whose name starts with `prefix`, in any schema, sorted.
    func tables(startingWith prefix: String) throws -> [String] {
      try cluster.sql(
        "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n"
          + " ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND c.relname LIKE '\(prefix)%'"
          + " ORDER BY 1"
      ).split(separator: "\n").map(String.init)
    }

    @Test func aLoadedTableReadsBackAsTheFileWithKeyIndexAndStatistics() throws {
      try cluster.sql("DROP SCHEMA IF EXISTS loaded CASCADE")
      let loaded = try load("loaded.tracts")
      #expect(loaded.status == 0, "\(loaded.error)")
      #expect(loaded.output.contains("470 features read, 470 written"))
      // The schema did not exist: it was created with the table.
      #expect(try cluster.value("SELECT count(*) FROM loaded.tracts") == "470")
      let indexes = try cluster.sql(
        "SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'loaded'"
          + " ORDER BY 1")
      #expect(indexes.contains("tracts_pkey CREATE UNIQUE INDEX"))
      #expect(indexes.contains("USING gist (geom)"))
      #expect(
        try cluster.value("SELECT reltuples FROM pg_class WHERE oid = 'loaded.tracts'::regclass")
          == "470")
      #expect(
        try cluster.value("SELECT pg_get_serial_sequence('loaded.tracts', 'fid')")
          == "loaded.tracts_fid_seq")
      #expect(try tables(startingWith: "territory_staging").isEmpty)
      // Names as in the file, not folded to lower case.
      #expect(
        try cluster.value(
          "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'loaded'"
            + " AND column_name IN ('V014', 'CD_GEOCODI')") == "2")

      try cluster.expectInterpolationAsFromTheTracts(table: "loaded.tracts")
    }

    @Test func anExistingTableIsKeptUnlessOverwriteReplacesItAtOnce() throws {
      try cluster.sql("DROP TABLE IF EXISTS census.swap")
      #expect(try load("census.swap").status == 0)
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let grid = folder.path + "/grid.gpkg"
      let made = try Territory.run(
        "grid", "--extent-of", Territory.tracts, "--crs", "EPSG:31985", "--cell", "1000", "-o", grid
      )
      #expect(made.status == 0, "\(made.error)")
      let cells = try Territory.run("info", grid).output

      let refused = try load("census.swap", from: grid)
      #expect(refused.status == 1)
      #expect(refused.error.hasPrefix("error: table census.swap already exists"))
      #expect(refused.error.contains("--overwrite"))
      #expect(try cluster.value("SELECT count(*) FROM census.swap") == "470")

      let replaced = try load("census.swap", from: grid, "--overwrite")
      #expect(replaced.status == 0, "\(replaced.error)")
      let count = try cluster.value("SELECT count(*) FROM census.swap")
      #expect(count != "470" && cells.contains("features    \(count)"))
      let key = try cluster.value(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'census.swap'::regclass AND contype = 'p'"
      )
      #expect(key == "swap_pkey")
      #expect(try tables(startingWith: "territory_staging").isEmpty)
    }

    @Test func sqlInATableNameIsOnlyAName() throws {
      let hostile = "x; DROP TABLE census.guard"
      try cluster.sql(
        "DROP TABLE IF EXISTS census.guard; DROP TABLE IF EXISTS census.\"\(hostile)\";"
          + " CREATE TABLE census.guard (id int); INSERT INTO census.guard VALUES (1), (2)")
      let result = try load("census.\(hostile)")
      #expect(result.status == 0, "\(result.error)")
      #expect(try cluster.value("SELECT count(*) FROM census.guard") == "2")
      #expect(try cluster.value("SELECT count(*) FROM census.\"\(hostile)\"") == "470")
      let quoted = try load("census.a\"b'c")
      #expect(quoted.status == 0, "\(quoted.error)")
      #expect(try cluster.value("SELECT count(*) FROM census.\"a\"\"b'c\"") == "470")
      try cluster.sql("DROP TABLE census.\"a\"\"b'c\"")
    }

    @Test func aReadOnlyRoleGetsAnErrorAndNothingIsWritten() throws {
      try cluster.addRole("reader")
      try cluster.sql("GRANT USAGE ON SCHEMA census TO reader")
      let result = try Territory.run(
        "convert", Territory.tracts, cluster.connection(as: "reader"), "--table", "census.denied")
      #expect(result.status == 1)
      #expect(result.error.hasPrefix("error: writing "), "\(result.error)")
      #expect(result.error.contains("permission denied"))
      #expect(result.error.split(separator: "\n").count == 1)
      #expect(try tables(startingWith: "denied").isEmpty)
      #expect(try tables(startingWith: "territory_staging").isEmpty)
      // A schema it may not create is refused the same way.
      let schema = try Territory.run(
        "convert", Territory.tracts, cluster.connection(as: "reader"), "--table", "other.denied")
      #expect(schema.status == 1 && schema.error.contains("permission denied"))
      #expect(try cluster.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'other'") == "0")
    }

    @Test func aConnectionKilledDuringTheLoadRollsEverythingBack() throws {
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let grid = folder.path + "/cells.gpkg"
      // 125,000 cells: a load that lasts long enough to be cut in the middle.
      let made = try Territory.run(
        "grid", "--bbox", "0,0,10000,5000", "--crs", "EPSG:31985", "--cell", "20", "-o", grid)
      #expect(made.status == 0, "\(made.error)")
      try cluster.sql("DROP TABLE IF EXISTS census.cut")
      let result = try cluster.killingTheCopy { connection in
        try Territory.run("convert", grid, connection, "--table", "census.cut")
      }
      #expect(result.status == 1)
      #expect(result.error.hasPrefix("error: writing "), "\(result.error)")
      #expect(result.error.split(separator: "\n").count == 1)
      #expect(try tables(startingWith: "cut").isEmpty)
      #expect(try tables(startingWith: "territory_staging").isEmpty)
    }

    @Test func badTablesAndConnectionsAreRefused() throws {
      let noTable = try Territory.run("convert", Territory.tracts, cluster.connection())
      #expect(noTable.status == 64)
      #expect(noTable.error.contains("--table"))
      let tableForFile = try Territory.run(
        "convert", Territory.tracts, "/tmp/x.gpkg", "--table", "census.x")
      #expect(tableForFile.status == 64)
      for name in ["census.", ".tracts", String(repeating: "t", count: 64)] {
        let result = try load(name)
        #expect(result.status == 1)
        #expect(result.error.hasPrefix("error: cannot use '\(name)' as a table name"))
      }
      let plain = try Territory.run(
        "convert", Territory.tracts, cluster.connection(database: "plain"), "--table", "t")
      #expect(plain.status == 1 && plain.error.contains("no PostGIS extension"))
      let wrong = "not-\(cluster.password)"
      let refused = try Territory.run(
        "convert", Territory.tracts, cluster.connectionWithPassword(wrong), "--table", "census.w")
      #expect(refused.status == 1)
      #expect(refused.error.contains("password authentication failed"))
      #expect(!refused.error.contains(wrong) && !refused.output.contains(wrong))
      #expect(try cluster.value("SELECT to_regclass('census.w')").isEmpty)
    }
  }
}
