import Foundation
import Testing

extension PostGISSuites {
  /// Layers read from PostGIS tables, on a real throwaway server (PostGISCluster):
  /// the same results as from the files, and every bad connection or table
  /// refused with one line that never shows a password.
  @Suite("Reading from PostGIS", .serialized)
  struct PostGISReadingTests {
    let cluster: PostGISCluster

    init() throws { cluster = try PostGISCluster.withTracts() }

    /// Runs `interpolate` from `table` onto 200 m squares into a scratch folder,
    /// and checks that the refused run wrote nothing there.
    func refusedInterpolation(from table: String, extensive: String) throws -> CommandResult {
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let result = try Territory.run(
        "interpolate", cluster.connection(), "-l", table, "--grid", "200", "--to-crs",
        "EPSG:31985", "--extensive", extensive, "-o", folder.path + "/grid.csv")
      #expect(result.status == 1)
      #expect(result.error.hasPrefix("error: "))
      #expect(Territory.contents(of: folder).isEmpty)
      return result
    }

    @Test func infoListsTheTable() throws {
      let result = try Territory.run("info", cluster.connection())
      #expect(result.status == 0, "\(result.error)")
      #expect(result.output.contains("driver PostgreSQL"))
      #expect(result.output.contains("census.tracts"))
      #expect(result.output.contains("features    470"))
    }

    @Test func interpolationFromTheTableEqualsInterpolationFromTheFile() throws {
      try cluster.expectInterpolationAsFromTheTracts(table: "census.tracts")
    }

    @Test func aPasswordInTheConnectionIsNeverShown() throws {
      let good = try Territory.run(
        "info", cluster.connectionWithPassword(cluster.password), "--json")
      #expect(good.status == 0, "\(good.error)")
      #expect(!good.output.contains(cluster.password))
      #expect(good.output.contains("password=***"))
      let wrong = "not-\(cluster.password)"
      let refused = try Territory.run("info", cluster.connectionWithPassword(wrong))
      #expect(refused.status == 1)
      #expect(refused.error.hasPrefix("error: cannot connect to"))
      #expect(refused.error.contains("password authentication failed"))
      #expect(!refused.error.contains(wrong) && !refused.output.contains(wrong))
    }

    @Test func aServerThatIsDownIsReportedWithinSeconds() throws {
      let start = Date()
      // Nothing listens on this port; and an address that answers nothing, which
      // only connect_timeout ends.
      for connection in [
        "PG:host=127.0.0.1 port=\(cluster.port + 1) dbname=team user=territory",
        "PG:host=10.255.255.1 port=5432 dbname=team user=territory",
      ] {
        let result = try Territory.run("info", connection)
        #expect(result.status == 1)
        #expect(result.error.hasPrefix("error: cannot connect to"), "\(result.error)")
        #expect(result.error.split(separator: "\n").count == 1)
      }
      #expect(Date().timeIntervalSince(start) < 15)
    }

    @Test func aMissingTableListsTheTables() throws {
      let result = try refusedInterpolation(from: "census.nosuch", extensive: "V014")
      #expect(result.error.contains("no table 'census.nosuch'"))
      #expect(result.error.contains("census.tracts"))
    }

    @Test func aDatabaseWithoutPostGISSaysHowToEnableIt() throws {
      let result = try Territory.run("info", cluster.connection(database: "plain"))
      #expect(result.status == 1)
      #expect(result.error.contains("no PostGIS extension"))
      #expect(result.error.contains("CREATE EXTENSION postgis"))
    }

    @Test func aTableWithoutGeometryIsRefused() throws {
      try cluster.sql(
        "DROP TABLE IF EXISTS census.codes; CREATE TABLE census.codes (id int, name text);"
          + " INSERT INTO census.codes VALUES (1, 'a')")
      let result = try refusedInterpolation(from: "census.codes", extensive: "id")
      #expect(result.error.contains("census.codes"))
    }

    @Test func sqlInATableNameIsOnlyAName() throws {
      try cluster.sql(
        "DROP TABLE IF EXISTS census.keep; CREATE TABLE census.keep (id int);"
          + " INSERT INTO census.keep VALUES (1), (2)")
      let result = try refusedInterpolation(from: "x; DROP TABLE census.keep", extensive: "V014")
      #expect(result.error.contains("no table 'x; DROP TABLE census.keep'"))
      #expect(try cluster.value("SELECT count(*) FROM census.keep") == "2")
    }
  }
}
