import Foundation
import GDALKit
import GeoCore
import PROJKit
import SQLiteKit
import TestFixtures
import Testing

@testable import Tiles

@Suite("Tile archives")
struct TileArchiveTests {
  func metadata(_ format: TileSetMetadata.Format = .mvt) -> TileSetMetadata {
    TileSetMetadata(
      name: "test", description: "test tiles", format: format, minZoom: 0, maxZoom: 9,
      bounds: Envelope(minX: -35, minY: -8.1, maxX: -34.8, maxY: -7.9),
      vectorLayers: [
        TileSetMetadata.VectorLayer(
          id: "cells", fields: [("n", "Number"), ("name", "String")], minZoom: 0, maxZoom: 9,
          geometry: "polygon")
      ])
  }

  @Test(
    "PMTiles: every tile reads back by z/x/y, through leaf directories, with runs of identical tiles"
  )
  func pmtilesRoundTrip() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("many.pmtiles").path
    let writer = try PMTilesWriter(path: path, format: .mvt, policy: .refuse)
    // All tiles of zoom 0 to 8: 87,381 tiles, every fourth one the same "ocean" tile.
    var addresses: [TileAddress] = []
    for z in 0...8 {
      for x in 0..<(1 << z) {
        for y in 0..<(1 << z) { addresses.append(TileAddress(z: z, x: x, y: y)) }
      }
    }
    addresses.sort()
    func content(_ address: TileAddress) -> [UInt8] {
      address.pmtilesID % 4 == 0 || (address.pmtilesID / 1000) % 7 == 0
        ? Array("ocean".utf8) : Array("\(address)".utf8)
    }
    for address in addresses { try writer.write(address, content(address)) }
    try writer.finish(metadata())
    let archive = TileDecoding.PMTiles(
      data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    #expect(Array(archive.data[0..<7]) == Array("PMTiles".utf8) && archive.data[7] == 3)
    #expect(
      archive.rootOffset + archive.rootLength <= 16_384, "root directory within the first 16 KiB")
    #expect(archive.leafOffset < archive.dataOffset, "leaf directories are used")
    #expect(archive.addressedTiles == addresses.count)
    let entries = Int(archive.u64(80))
    #expect(entries < addresses.count, "runs of identical tiles share one entry")
    let reader = try TileDecoding.PMTilesIndex(archive)
    for address in addresses {
      #expect(reader.tile(address.pmtilesID) == content(address), "\(address)")
    }
    #expect(reader.tile(TileAddress(z: 9, x: 0, y: 0).pmtilesID) == nil)
    #expect(try archive.metadata.contains("\"vector_layers\":[{\"id\":\"cells\""))
  }

  @Test("PMTiles: a tile already written to disk is found again and stored once")
  func pmtilesDeduplicatesAcrossFlushes() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("big.pmtiles").path
    let writer = try PMTilesWriter(path: path, format: .mvt, policy: .refuse)
    // Tiles of 1 MiB: the writer's 4 MiB buffer is flushed between the first of
    // each content and its copies. Contents 0 and 1 differ in one byte only.
    func content(_ kind: Int) -> [UInt8] {
      var bytes = [UInt8](repeating: UInt8(kind / 2), count: 1 << 20)
      bytes[bytes.count - 1] = UInt8(kind % 2)
      return bytes
    }
    let kinds = [0, 1, 2, 3, 4, 5, 6, 0, 1, 6, 7, 0, 2, 2, 5]
    let addresses = (0..<kinds.count).map { TileAddress(z: 4, x: $0, y: 0) }.sorted()
    for (address, kind) in zip(addresses, kinds) { try writer.write(address, content(kind)) }
    try writer.finish(metadata())
    let archive = TileDecoding.PMTiles(
      data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    #expect(archive.addressedTiles == kinds.count)
    #expect(archive.u64(88) == UInt64(Set(kinds).count), "distinct contents")
    #expect(
      archive.data.count - archive.dataOffset == Set(kinds).count << 20,
      "each content written once")
    let reader = try TileDecoding.PMTilesIndex(archive)
    for (address, kind) in zip(addresses, kinds) {
      #expect(reader.tile(address.pmtilesID) == content(kind), "\(address)")
    }
  }

  @Test("MBTiles: metadata rows, TMS rows, gzip tiles; GDAL's MBTiles driver reads it back")
  func mbtiles() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("tracts.mbtiles").path
    let tracts = Fixtures.tracts
    let summary = try VectorTileJob.run(
      inputs: [VectorTileJob.Input(path: tracts)], output: path,
      options: {
        var o = VectorTileOptions()
        o.maxZoom = 12
        return o
      }(), fields: .only(["V014", "NM_BAIR"]),
      assumedCRS: nil, guessMaxZoom: false, policy: .refuse)
    #expect(summary.zooms.count == 13)
    let database = try SQLiteDatabase(path: path)
    let rows = Dictionary(
      uniqueKeysWithValues: try database.query("SELECT name, value FROM metadata").compactMap {
        row -> (String, String)? in
        guard case .text(let name) = row[0], case .text(let value) = row[1] else { return nil }
        return (name, value)
      })
    #expect(rows["format"] == "pbf" && rows["minzoom"] == "0" && rows["maxzoom"] == "12")
    // Olinda is 10 km across: a 1,024-pixel view holds it from zoom 13, so the
    // centre is shown at the highest zoom, 12.
    #expect(rows["center"]?.hasSuffix(",12") == true, "\(rows["center"] ?? "")")
    #expect(
      rows["json"]?.contains("\"fields\":{\"NM_BAIR\":\"String\",\"V014\":\"Number\"}") == true)
    let top = try database.query(
      "SELECT tile_column, tile_row, tile_data FROM tiles WHERE zoom_level = 0")
    #expect(top.count == 1)
    guard case .blob(let gz) = top[0][2] else {
      Issue.record("no tile data")
      return
    }
    #expect(Array(gz.prefix(2)) == [0x1F, 0x8B], "gzip-compressed")
    // Row 0 at zoom 12 counts from the south: Olinda (8°S) is in the southern half.
    let rowsAt12 = try database.query("SELECT tile_row FROM tiles WHERE zoom_level = 12")
    for row in rowsAt12 {
      guard case .integer(let r) = row[0] else { continue }
      #expect(r < 2048)
    }
    // GDAL's MBTiles driver reads it back: every tract is a feature at the top
    // zoom (one per tile piece, with the MVT id as `mvt_id`; CLIP=NO keeps the
    // pieces that lie only in a tile's buffer).
    let ogrinfo = Process()
    ogrinfo.executableURL = URL(fileURLWithPath: "/usr/bin/ogrinfo")
    ogrinfo.arguments = ["-al", "-oo", "CLIP=NO", path]
    let pipe = Pipe()
    ogrinfo.standardOutput = pipe
    try ogrinfo.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    ogrinfo.waitUntilExit()
    #expect(text.contains("V014: Real") && text.contains("NM_BAIR: String"))
    let ids = Set(text.split(separator: "\n").filter { $0.contains("mvt_id (Integer64) =") })
    #expect(ids.count == 470)
  }

  @Test("an empty layer gives a valid, empty tileset; features without geometry are counted")
  func emptyAndNullGeometries() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let empty = folder.appendingPathComponent("empty.geojson").path
    try Data(#"{"type":"FeatureCollection","features":[]}"#.utf8).write(
      to: URL(fileURLWithPath: empty))
    let nulls = folder.appendingPathComponent("nulls.geojson").path
    try Data(
      #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1},"geometry":null},{"type":"Feature","properties":{"a":2},"geometry":{"type":"Point","coordinates":[-34.85,-8.0]}}]}"#
        .utf8
    ).write(to: URL(fileURLWithPath: nulls))
    let output = folder.appendingPathComponent("empty.pmtiles").path
    var options = VectorTileOptions()
    options.maxZoom = 5
    let summary = try VectorTileJob.run(
      inputs: [VectorTileJob.Input(path: empty)], output: output, options: options, fields: .all,
      assumedCRS: nil,
      guessMaxZoom: false, policy: .refuse)
    #expect(summary.zooms.allSatisfy { $0.tiles == 0 })
    let archive = TileDecoding.PMTiles(
      data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: output))))
    #expect(archive.addressedTiles == 0)
    #expect(try archive.directory(at: archive.rootOffset, length: archive.rootLength).isEmpty)
    let withNulls = try VectorTileJob.run(
      inputs: [VectorTileJob.Input(path: nulls)],
      output: folder.appendingPathComponent("nulls").path,
      options: options, fields: .all, assumedCRS: nil, guessMaxZoom: false, policy: .refuse)
    #expect(withNulls.layers[0].withoutGeometry == 1 && withNulls.layers[0].features == 1)
    #expect(withNulls.zooms.allSatisfy { $0.tiles == 1 && $0.features == 1 })
    #expect(
      FileManager.default.fileExists(
        atPath: folder.appendingPathComponent("nulls/5/12/16.pbf").path))
  }

  @Test("--assume-crs is for layers without a CRS: a declared CRS wins")
  func assumedCRS() throws {
    let layer = try TileLayerLoader.load(path: Fixtures.tracts, assumedCRS: try CRS("EPSG:31985"))
    let box = layer.bounds
    // Olinda, 34.9° W: x = (180 - 34.9) / 360 in the unit square.
    #expect(abs(box.minX - (180 - 34.917) / 360) < 1e-3)
    #expect(layer.features.count == 470)
  }
}
