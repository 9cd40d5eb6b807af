import Foundation
import GDALKit
import Testing

extension PostGISSuites {
  /// A site whose units layer is a PostGIS table (`path: "PG:…"`, `layer:
  /// schema.table`), on a real throwaway server (PostGISCluster): it analyses as
  /// the same site read from the file, its lock file records the server and a
  /// checksum of the table, and no output shows the password.
  @Suite("Sites with layers in PostGIS", .serialized)
  struct PostGISSiteTests {
    let cluster: PostGISCluster

    init() throws { cluster = try PostGISCluster.shared.get() }

    /// A site folder whose units layer is at `path` (and `layer`, if given).
    func site(path: String, layer: String? = nil, copyingTracts: Bool) throws -> URL {
      let folder = try Territory.scratch()
      if copyingTracts {
        try FileManager.default.copyItem(
          at: URL(fileURLWithPath: Territory.tracts),
          to: folder.appendingPathComponent("olinda_tracts.gpkg"))
      }
      let manifest = """
        name: test
        crs: EPSG:31985
        layers:
          tracts:
            path: "\(path)"
        \(layer.map { "    layer: \($0)\n" } ?? "")    crs: EPSG:4674
            role: units
            variables:
              V014: {kind: extensive}
        scales:
          - {name: grid500, grid: 500}
          - {name: grid200, grid: 200}
          - {name: tracts, units: tracts}
        """
      try Data(manifest.utf8).write(to: folder.appendingPathComponent("site.yaml"))
      return folder
    }

    @Test func aSiteReadFromATableAnalysesAsTheSameSiteFromTheFile() throws {
      let loaded = try Territory.run(
        "convert", Territory.tracts, cluster.connection(), "--table", "census.site_tracts",
        "--overwrite")
      #expect(loaded.status == 0, "\(loaded.error)")
      let fromFile = try site(path: "olinda_tracts.gpkg", copyingTracts: true)
      let connection = String(cluster.connectionWithPassword(cluster.password))
      let fromTable = try site(path: connection, layer: "census.site_tracts", copyingTracts: false)
      defer {
        try? FileManager.default.removeItem(at: fromFile)
        try? FileManager.default.removeItem(at: fromTable)
      }
      let check = try Territory.run("site", "check", fromTable.path)
      #expect(check.status == 0, "\(check.output) \(check.error)")
      #expect(!check.output.contains(cluster.password))
      let outputs = [fromFile, fromTable].map { $0.appendingPathComponent("out") }
      for (folder, output) in zip([fromFile, fromTable], outputs) {
        let result = try Territory.run(
          "analyze", "--no-web", folder.path, "-o", output.path, "--quiet")
        #expect(result.status == 0, "\(result.error)")
      }
      let names = Territory.contents(of: outputs[0])
      #expect(names.contains("analysis.gpkg") && Territory.contents(of: outputs[1]) == names)
      for name in names where name != "maps" {
        let table = try Data(contentsOf: outputs[1].appendingPathComponent(name))
        #expect(!String(decoding: table, as: UTF8.self).contains(cluster.password), "\(name)")
        if name == "manifest.lock.json" { continue }
        let file = try Data(contentsOf: outputs[0].appendingPathComponent(name))
        if name == "report.json" {
          // The site check in it names each layer's path and driver; all else is the same.
          var reports = try [file, table].map {
            try #require(JSONSerialization.jsonObject(with: $0) as? [String: Any])
          }
          let check = reports[1].removeValue(forKey: "check") as? [String: Any]
          _ = reports[0].removeValue(forKey: "check")
          #expect(NSDictionary(dictionary: reports[0]).isEqual(to: reports[1]))
          let layer = (check?["layers"] as? [[String: Any]])?.first
          #expect(layer?["driver"] as? String == "PostgreSQL")
          #expect((layer?["path"] as? String)?.contains("password=***") == true)
          continue
        }
        #expect(file == table, "\(name) differs between the file and the table")
      }
      // The maps credit the table, not the connection.
      let credits = try Territory.pdfText(
        outputs[1].appendingPathComponent("maps/V014_density_scales.pdf").path)
      #expect(credits.contains("census.site_tracts") && !credits.contains("port="), "\(credits)")
      let lock = try #require(
        JSONSerialization.jsonObject(
          with: Data(contentsOf: outputs[1].appendingPathComponent("manifest.lock.json")))
          as? [String: Any])
      let input = try #require((lock["inputs"] as? [[String: Any]])?.first)
      #expect(input["table"] as? String == "census.site_tracts")
      #expect(input["rows"] as? Int == 470)
      #expect((input["content-md5"] as? String)?.count == 32)
      #expect((input["postgresql"] as? String)?.hasPrefix("15.") == true)
      #expect((input["postgis"] as? String)?.hasPrefix("3.") == true)
      #expect((input["path"] as? String)?.contains("password=***") == true)
    }

    @Test func theChecksumFollowsTheTablesContent() throws {
      for table in ["census.sum_a", "census.sum_b"] {
        let result = try Territory.run(
          "convert", Territory.tracts, cluster.connection(), "--table", table, "--overwrite")
        #expect(result.status == 0, "\(result.error)")
      }
      func checksum(_ table: String) throws -> String {
        let folder = try site(path: cluster.connection(), layer: table, copyingTracts: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out")
        let result = try Territory.run(
          "analyze", "--no-web", folder.path, "-o", output.path, "--quiet")
        #expect(result.status == 0, "\(result.error)")
        let lock = try JSONSerialization.jsonObject(
          with: Data(contentsOf: output.appendingPathComponent("manifest.lock.json")))
        let inputs = (lock as? [String: Any])?["inputs"] as? [[String: Any]]
        return inputs?.first?["content-md5"] as? String ?? ""
      }
      // The same content gives the same checksum; one value changed, another.
      let same = try checksum("census.sum_a")
      let copy = try checksum("census.sum_b")
      #expect(same.count == 32 && copy == same)
      try cluster.sql("UPDATE census.sum_b SET \"V014\" = \"V014\" + 1 WHERE fid = 1")
      #expect(try checksum("census.sum_b") != same)
    }

    /// Each table of `schema` as CSV, next to the layer of the same name in `gpkg`
    /// (but for its QGIS styles, which the GeoPackage alone carries).
    func expectSameTables(_ gpkg: String, schema: String, in folder: URL) throws {
      let layers = try VectorDataset(path: gpkg).layerNames.filter { $0 != "layer_styles" }
      #expect(layers.count >= 3)
      for layer in layers {
        let file = folder.appendingPathComponent("\(layer)-file.csv").path
        let table = folder.appendingPathComponent("\(layer)-table.csv").path
        let a = try Territory.run("convert", gpkg, file, "-l", layer, "--overwrite")
        let b = try Territory.run(
          "convert", cluster.connection(), table, "-l", "\(schema).\(layer)", "--overwrite")
        #expect(a.status == 0 && b.status == 0, "\(layer): \(b.error)")
        let fileRows = try Data(contentsOf: URL(fileURLWithPath: file))
        let tableRows = try Data(contentsOf: URL(fileURLWithPath: table))
        #expect(!fileRows.isEmpty && fileRows == tableRows, "\(layer)")
      }
    }

    @Test func analyzeToTheDatabaseWritesTheTablesOfTheGeoPackage() throws {
      try cluster.sql("DROP SCHEMA IF EXISTS olinda_test CASCADE")
      let folder = try site(path: "olinda_tracts.gpkg", copyingTracts: true)
      defer { try? FileManager.default.removeItem(at: folder) }
      let output = folder.appendingPathComponent("out")
      let to = ["--to", cluster.connection(), "--schema", "olinda_test"]
      let result = try Territory.runArray(
        ["analyze", "--no-web", folder.path, "-o", output.path, "--quiet"] + to)
      #expect(result.status == 0, "\(result.error)")
      #expect(result.output.contains("wrote schema olinda_test"))
      let gpkg = output.appendingPathComponent("analysis.gpkg").path
      try expectSameTables(gpkg, schema: "olinda_test", in: folder)
      // The report as tables: one balance per scale, the three documents whole.
      #expect(try cluster.value("SELECT count(*) FROM olinda_test.report_balances") == "3")
      #expect(
        try cluster.value(
          "SELECT count(DISTINCT scale) FROM olinda_test.report_statistics") == "3")
      let report = try String(
        contentsOf: output.appendingPathComponent("report.md"), encoding: .utf8)
      let stored = try cluster.value(
        "SELECT md5(content) FROM olinda_test.report_documents WHERE name = 'report.md'")
      #expect(stored == (try cluster.value("SELECT md5(\(PostGISTable.literal(report)))")))
      #expect(
        try cluster.value(
          "SELECT count(*) FROM pg_indexes WHERE schemaname = 'olinda_test'"
            + " AND indexdef LIKE '%gist%'") == "3")

      // Without --overwrite the schema is refused, and the run writes nothing.
      let again = folder.appendingPathComponent("again")
      let refused = try Territory.runArray(
        ["analyze", "--no-web", folder.path, "-o", again.path, "--quiet"] + to)
      #expect(refused.status == 1)
      #expect(refused.error.hasPrefix("error: schema olinda_test already exists"))
      #expect(!FileManager.default.fileExists(atPath: again.path))
      // A role that may not create schemas gets an error; the schema stays as it was.
      try cluster.addRole("reader")
      let denied = try Territory.runArray(
        [
          "analyze", "--no-web", folder.path, "-o", again.path, "--quiet", "--overwrite", "--to",
          cluster.connection(as: "reader"), "--schema", "olinda_test",
        ])
      #expect(denied.status == 1)
      #expect(denied.error.contains("permission denied"), "\(denied.error)")
      #expect(!FileManager.default.fileExists(atPath: again.path))
      #expect(try cluster.value("SELECT count(*) FROM olinda_test.report_balances") == "3")
      // With --overwrite it is replaced at once, and no staging schema is left.
      let replaced = try Territory.runArray(
        ["analyze", "--no-web", folder.path, "-o", output.path, "--quiet", "--overwrite"] + to)
      #expect(replaced.status == 0, "\(replaced.error)")
      try expectSameTables(gpkg, schema: "olinda_test", in: folder)
      #expect(
        try cluster.value(
          "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'territory_staging%'") == "0")

      // A connection cut when every table is written and the old schema is to
      // be dropped (it waits for a reader's lock): one error line, and the
      // previous analysis stays whole, with no staging schema left.
      let before = try cluster.value(
        "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables"
          + " WHERE schemaname = 'olinda_test'")
      let cut = folder.appendingPathComponent("cut")
      let killed = try cluster.killingWhenBlocked(by: "olinda_test.report_balances") {
        connection in
        try Territory.runArray(
          [
            "analyze", "--no-web", folder.path, "-o", cut.path, "--quiet", "--overwrite", "--to",
            connection,
            "--schema", "olinda_test",
          ])
      }
      #expect(killed.status == 1)
      #expect(killed.error.hasPrefix("error: "), "\(killed.error)")
      #expect(killed.error.split(separator: "\n").count == 1, "\(killed.error)")
      #expect(!FileManager.default.fileExists(atPath: cut.path))
      #expect(
        try cluster.value(
          "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables"
            + " WHERE schemaname = 'olinda_test'") == before)
      #expect(try cluster.value("SELECT count(*) FROM olinda_test.report_balances") == "3")
      #expect(
        try cluster.value(
          "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'territory_staging%'") == "0")
    }
  }
}
