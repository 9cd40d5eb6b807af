import Foundation
import Testing

extension PostGISSuites {
  /// `interpolate --engine postgis`, on a real throwaway server (PostGISCluster):
  /// the same cells, values and balances as the Swift engine, from a file or a
  /// table, on squares, hexagons and overlapping targets, whatever the number of
  /// parallel workers; bad input refused with one line, and no working table left.
  @Suite("The in-database engine", .serialized)
  struct PostGISEngineTests {
    let cluster: PostGISCluster

    init() throws { cluster = try PostGISCluster.withTracts() }

    static let variables = [
      "--to-crs", "EPSG:31985", "--extensive", "V014", "--intensive", "ID", "--categorical", "TIPO",
    ]

    /// Three squares in longitude and latitude: two that overlap over the
    /// tracts, one far out at sea that no tract reaches.
    static let overlappingSquares = """
      {"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"name": "west"}, "geometry": {"type": "Polygon",
       "coordinates": [[[-34.90, -8.03], [-34.86, -8.03], [-34.86, -7.99], [-34.90, -7.99], [-34.90, -8.03]]]}},
      {"type": "Feature", "properties": {"name": "east"}, "geometry": {"type": "Polygon",
       "coordinates": [[[-34.88, -8.01], [-34.84, -8.01], [-34.84, -7.97], [-34.88, -7.97], [-34.88, -8.01]]]}},
      {"type": "Feature", "properties": {"name": "sea"}, "geometry": {"type": "Polygon",
       "coordinates": [[[-34.00, -8.00], [-33.99, -8.00], [-33.99, -7.99], [-34.00, -7.99], [-34.00, -8.00]]]}}
      ]}
      """

    /// Runs `interpolate` with both engines and checks that they agree.
    func expectEnginesAgree(
      source: [String], targets: [String], in folder: URL, jobs: String = "2",
      file: String = #filePath, line: Int = #line
    ) throws {
      let swift = folder.appendingPathComponent("swift.csv").path
      let database = folder.appendingPathComponent("postgis-\(jobs).csv").path
      let common = source + Self.variables + targets
      let bySwift = try Territory.runArray(["interpolate"] + common + ["-o", swift, "--overwrite"])
      var inDatabase = ["interpolate"] + common
      if !source[0].hasPrefix("PG:") { inDatabase += ["--database", cluster.connection()] }
      let byDatabase = try Territory.runArray(
        inDatabase + ["--engine", "postgis", "--jobs", jobs, "-o", database])
      let location = SourceLocation(
        fileID: #fileID, filePath: file, line: line, column: 1)
      #expect(bySwift.status == 0, "\(bySwift.error)", sourceLocation: location)
      #expect(byDatabase.status == 0, "\(byDatabase.error)", sourceLocation: location)
      // The report of both, paths aside: the same rule, totals to six decimals.
      func report(_ output: String) -> [Substring] {
        output.split(separator: "\n").filter { !$0.contains(folder.path) }
      }
      #expect(report(byDatabase.output) == report(bySwift.output), sourceLocation: location)
      #expect(report(bySwift.output).count >= 2, sourceLocation: location)
      try CSVComparison.expectEqual(swift, database, sourceLocation: location)
      try FileManager.default.removeItem(atPath: database)
    }

    @Test func squaresFromAFileEqualTheSwiftEngine() throws {
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      try expectEnginesAgree(
        source: [Territory.tracts], targets: ["--grid", "200"], in: folder)
      #expect(try cluster.value(Self.workingTables) == "0")
    }

    @Test func squaresAreTheSameWhateverTheNumberOfWorkers() throws {
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      for jobs in ["1", "3", "8"] {
        try expectEnginesAgree(
          source: [Territory.tracts], targets: ["--grid", "100"], in: folder, jobs: jobs)
      }
    }

    @Test func hexagonsFromATableEqualTheSwiftEngine() throws {
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      try expectEnginesAgree(
        source: [cluster.connection(), "-l", "census.tracts"],
        targets: ["--grid", "150", "--shape", "hex"], in: folder)
    }

    @Test func overlappingTargetsKeepTheSourceAreaRule() throws {
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let squares = folder.appendingPathComponent("squares.geojson")
      try Self.overlappingSquares.write(to: squares, atomically: true, encoding: .utf8)
      try expectEnginesAgree(
        source: [cluster.connection(), "-l", "census.tracts"], targets: ["--target", squares.path],
        in: folder)
      let written = try String(
        contentsOf: folder.appendingPathComponent("swift.csv"), encoding: .utf8)
      #expect(written.split(separator: "\n").count == 4)  // the header and the three squares
    }

    /// The working tables of the engine (none may outlive a run).
    static let workingTables =
      "SELECT count(*) FROM pg_class WHERE relname LIKE 'territory_work_%'"

    /// Runs `arguments` and checks the one-line refusal, that nothing was
    /// written, and that no working table is left.
    func expectRefusal(_ arguments: [String], saying text: String) throws {
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let result = try Territory.runArray(
        ["interpolate"] + arguments + ["--engine", "postgis", "-o", folder.path + "/out.csv"])
      #expect(result.status == 1)
      #expect(result.error.hasPrefix("error: "), "\(result.error)")
      #expect(result.error.split(separator: "\n").count == 1, "\(result.error)")
      #expect(result.error.contains(text), "\(result.error)")
      #expect(Territory.contents(of: folder).isEmpty)
      #expect(try cluster.value(Self.workingTables) == "0")
    }

    @Test func badInputIsRefusedAndLeavesNothing() throws {
      let grid = Self.variables + ["--grid", "200"]
      try expectRefusal([Territory.tracts] + grid, saying: "--database")
      try expectRefusal(
        [cluster.connection(), "-l", "census.tracts", "--mask", Territory.tracts] + grid,
        saying: "mask")
      try expectRefusal(
        [cluster.connection(), "-l", "census.tracts", "--database", "PG:dbname=other"] + grid,
        saying: "drop --database")
      try expectRefusal(
        [cluster.connection(), "-l", "census.nothing"] + grid, saying: "census.nothing")
      try expectRefusal(
        [cluster.connection(), "-l", "census.tracts", "--to-crs", "+proj=utm +zone=25 +south"]
          + ["--extensive", "V014", "--grid", "200"], saying: "EPSG code")
      try expectRefusal(
        [cluster.connection(), "-l", "census.tracts"] + grid + ["--max-cells", "10"],
        saying: "cells")
      try expectRefusal(
        [cluster.connection(), "-l", "census.tracts", "--to-crs", "EPSG:31985"]
          + ["--extensive", "NM_BAIR", "--grid", "200"], saying: "NM_BAIR")
    }

    @Test func invalidTableGeometriesAreRefusedOrRepaired() throws {
      try cluster.sql(
        """
        DROP TABLE IF EXISTS census.bowties;
        CREATE TABLE census.bowties (fid serial PRIMARY KEY, n float8, geom geometry(Polygon, 31985));
        INSERT INTO census.bowties (n, geom) VALUES
          (10, 'SRID=31985;POLYGON((294000 9110000, 294400 9110400, 294400 9110000, 294000 9110400, 294000 9110000))'),
          (5, 'SRID=31985;POLYGON((295000 9110000, 295400 9110000, 295400 9110400, 295000 9110400, 295000 9110000))');
        """)
      let arguments = [
        cluster.connection(), "-l", "census.bowties", "--to-crs", "EPSG:31985", "--extensive",
        "n", "--grid", "100",
      ]
      try expectRefusal(arguments, saying: "invalid")
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let swift = folder.appendingPathComponent("swift.csv").path
      let database = folder.appendingPathComponent("database.csv").path
      let bySwift = try Territory.runArray(
        ["interpolate"] + arguments + ["--make-valid", "-o", swift])
      let byDatabase = try Territory.runArray(
        ["interpolate"] + arguments + ["--make-valid", "--engine", "postgis", "-o", database])
      #expect(bySwift.status == 0 && byDatabase.status == 0, "\(byDatabase.error)")
      #expect(byDatabase.output.contains("1 invalid source geometries repaired"))
      #expect(byDatabase.output.contains("n: in 15.000000, out 15.000000"))
      try CSVComparison.expectEqual(swift, database)
    }
  }
}

/// Two CSV outputs of `interpolate` compared value by value: the same header,
/// the same rows in the same order, texts equal and numbers within 1e-9 of
/// the larger, or of a tenth of the column's largest value for the small ones
/// (a sliver of a few square metres is rounded at the 1e-9 m of coordinates
/// near 9,000 km northing, in each engine its own way).
enum CSVComparison {
  static func rows(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
  }

  static func expectEqual(
    _ expected: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let want = try rows(expected)
    let got = try rows(actual)
    #expect(want.first == got.first, sourceLocation: sourceLocation)
    #expect(want.count == got.count && want.count > 1, sourceLocation: sourceLocation)
    guard want.count == got.count, let header = want.first else { return }
    for column in header.indices {
      let largest = want.dropFirst().compactMap { Double($0[column]) }.map(abs).max() ?? 0
      var worst = 0.0
      for (a, b) in zip(want.dropFirst(), got.dropFirst()) {
        guard let x = Double(a[column]), let y = Double(b[column]) else {
          #expect(a[column] == b[column], "\(header[column])", sourceLocation: sourceLocation)
          continue
        }
        let scale = max(abs(x), abs(y), largest / 10)
        worst = max(worst, scale > 0 ? abs(x - y) / scale : 0)
      }
      #expect(worst <= 1e-9, "\(header[column]): \(worst)", sourceLocation: sourceLocation)
    }
  }
}
