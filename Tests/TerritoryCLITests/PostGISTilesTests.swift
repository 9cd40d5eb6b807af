import Foundation
import Testing

extension PostGISSuites {
  /// Vector tiles cut from a PostGIS table (`tiles PG:… -l schema.table`), on a
  /// real throwaway server (PostGISCluster): the same tiles as from the file.
  @Suite("Tiles from PostGIS", .serialized)
  struct PostGISTilesTests {
    let cluster: PostGISCluster

    init() throws { cluster = try PostGISCluster.shared.get() }

    @Test func tilesFromATableAreTheTilesOfTheFile() throws {
      let loaded = try Territory.run(
        "convert", Territory.tracts, cluster.connection(), "--table", "census.tile_tracts",
        "--overwrite")
      #expect(loaded.status == 0, "\(loaded.error)")
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let common = ["-Z", "8", "-z", "13", "--assume-crs", "EPSG:4674"]
      let fromFile = try Territory.runArray(
        ["tiles", Territory.tracts, "-l", "tile_tracts", "-o", folder.path + "/file.pmtiles"]
          + common)
      let fromTable = try Territory.runArray(
        [
          "tiles", cluster.connection(), "-l", "census.tile_tracts", "-o",
          folder.path + "/table.pmtiles",
        ] + common)
      #expect(fromFile.status == 0, "\(fromFile.error)")
      #expect(fromTable.status == 0, "\(fromTable.error)")
      #expect(fromTable.output.contains("tile_tracts"))
      let file = try Data(contentsOf: folder.appendingPathComponent("file.pmtiles"))
      let table = try Data(contentsOf: folder.appendingPathComponent("table.pmtiles"))
      #expect(file.count > 10_000 && file == table)
    }

    @Test func aDatabaseInputNeedsItsTable() throws {
      let folder = try Territory.scratch()
      defer { try? FileManager.default.removeItem(at: folder) }
      let result = try Territory.run(
        "tiles", cluster.connectionWithPassword(cluster.password), "-o",
        folder.path + "/t.pmtiles")
      #expect(result.status == 1)
      #expect(result.error.hasPrefix("error: "), "\(result.error)")
      #expect(result.error.contains("-l schema.table"))
      #expect(!result.error.contains(cluster.password))
      #expect(Territory.contents(of: folder).isEmpty)
    }
  }
}
