import Foundation
import Testing

@Suite("territory tiles")
struct TilesCommandTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    let arguments: [String]
    var files: [String: String] = [:]
    let mentions: [String]
    var status: Int32 = 1
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "unknown output extension", arguments: ["{tracts}", "-o", "{dir}/out.zip"],
      mentions: ["out.zip", ".pmtiles"]),
    Case(
      name: "zoom beyond 24", arguments: ["{tracts}", "-o", "{dir}/out.pmtiles", "-z", "25"],
      mentions: ["0..24"]),
    Case(
      name: "zoom range reversed",
      arguments: ["{tracts}", "-o", "{dir}/out.pmtiles", "-Z", "10", "-z", "5"], mentions: ["10..5"]
    ),
    Case(
      name: "layer without CRS", arguments: ["{dir}/nocrs.csv", "-o", "{dir}/out.pmtiles"],
      files: ["nocrs.csv": "WKT,name\n\"POINT (-34.85 -8.0)\",a\n"],
      mentions: ["nocrs.csv", "no CRS", "--assume-crs"]),
    Case(
      name: "unknown field for -y",
      arguments: ["{tracts}", "-o", "{dir}/out.pmtiles", "-y", "NOPE"], mentions: ["NOPE", "V014"]),
    Case(
      name: "unknown field for -x",
      arguments: ["{tracts}", "-o", "{dir}/out.mbtiles", "-x", "NOPE"], mentions: ["NOPE"]),
    Case(
      name: "output exists", arguments: ["{tracts}", "-o", "{dir}/taken.pmtiles"],
      files: ["taken.pmtiles": "keep me"],
      mentions: ["taken.pmtiles", "--overwrite"]),
    Case(
      name: "output folder not empty", arguments: ["{tracts}", "-o", "{dir}/tiles"],
      files: ["tiles/keep.txt": "keep me"],
      mentions: ["tiles", "--overwrite"]),
    Case(
      name: "text field accumulated",
      arguments: ["{tracts}", "-o", "{dir}/out.pmtiles", "--accumulate", "NM_BAIR:sum"],
      mentions: ["NM_BAIR", "not numeric"]),
    Case(
      name: "accumulate without :sum",
      arguments: ["{tracts}", "-o", "{dir}/out.pmtiles", "--accumulate", "V014:mean"],
      mentions: ["V014:mean", "FIELD:sum"]),
    Case(
      name: "two layer names for one input",
      arguments: ["{tracts}", "-o", "{dir}/out.pmtiles", "-l", "a", "-l", "b"],
      mentions: ["2 layer names", "1 inputs"]),
    Case(
      name: "unknown colour ramp",
      arguments: ["{dem}", "-o", "{dir}/dem.pmtiles", "--color-ramp", "rainbow"],
      mentions: ["rainbow", "terrain"]),
    Case(
      name: "raster among vectors", arguments: ["{tracts}", "{dem}", "-o", "{dir}/out.pmtiles"],
      mentions: ["raster"]),
  ]

  @Test(arguments: cases)
  func refused(_ testCase: Case) throws {
    try Territory.expectRefused(
      ["tiles"] + testCase.arguments, files: testCase.files, mentions: testCase.mentions,
      status: testCase.status)
  }

  /// A world grid's corner cell in EPSG:6933 reaches past the CRS's ±86° of
  /// latitude, where PROJ cannot invert it: it is tiled by its part within the
  /// CRS's area of use (the web map of a world site stopped on it).
  @Test func cellsPastTheCRSDomainAreTiledByTheirPartWithinIt() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cells = folder.appendingPathComponent("cells.csv")
    try Data(
      ("WKT,id\n\"POLYGON ((-17400000 -7400000, -17300000 -7400000, -17300000 -7200000, "
        + "-17400000 -7200000, -17400000 -7400000))\",1\n").utf8
    ).write(to: cells)
    let output = folder.appendingPathComponent("cells").path
    let result = try Territory.run(
      "tiles", cells.path, "--assume-crs", "EPSG:6933", "-o", output, "-Z", "0", "-z", "3")
    #expect(result.status == 0, "\(result.error)")
    let tiles = try #require(FileManager.default.enumerator(atPath: output)).compactMap {
      ($0 as? String)?.hasSuffix(".pbf") == true ? $0 as? String : nil
    }
    #expect(tiles.count >= 4, "\(tiles)")
  }

  @Test("vector tiles: one line per zoom with its drops, then a summary; --overwrite replaces")
  func vector() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("tracts.pmtiles").path
    let first = try Territory.run(
      "tiles", Territory.tracts, "-o", output, "-Z", "4", "-z", "12", "-y", "V014")
    #expect(first.status == 0, "\(first.error)")
    let lines = first.output.split(separator: "\n")
    #expect(lines.filter { $0.hasPrefix("z") }.count == 9)
    #expect(lines.contains { $0.hasPrefix("z4:") && $0.contains("too small to draw") })
    #expect(lines.last?.hasPrefix("wrote \(output)") == true)
    let again = try Territory.run(
      "tiles", Territory.tracts, "-o", output, "-z", "12", "--max-tile-features", "100",
      "--accumulate", "V014:sum",
      "--overwrite")
    #expect(again.status == 0, "\(again.error)")
    #expect(again.output.contains("dropped in"))
    #expect(again.output.contains("V014 totals kept exactly in every tile"))
  }

  @Test("raster tiles: a hillshade of the Olinda elevation model as PNG tiles in a z/x/y folder")
  func raster() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("relief").path
    // An existing empty folder is not an existing output: it is filled.
    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: false)
    let result = try Territory.run(
      "tiles", Territory.dem, "-o", output, "-Z", "11", "-z", "13", "--hillshade")
    #expect(result.status == 0, "\(result.error)")
    #expect(result.output.contains("PNG tiles, zooms 11-13"))
    let json = try String(contentsOfFile: output + "/metadata.json", encoding: .utf8)
    #expect(json.contains("\"format\":\"png\""))
    let zoom13 = try FileManager.default.contentsOfDirectory(atPath: output + "/13")
    #expect(!zoom13.isEmpty)
    let column = output + "/13/" + zoom13[0]
    let tile = try Data(
      contentsOf: URL(
        fileURLWithPath: column + "/" + FileManager.default.contentsOfDirectory(atPath: column)[0]))
    #expect(Array(tile.prefix(4)) == [0x89, 0x50, 0x4E, 0x47], "a PNG file")
  }
}
