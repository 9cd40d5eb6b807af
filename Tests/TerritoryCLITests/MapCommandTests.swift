import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite("territory map")
struct MapCommandTests {
  @Test func pngHasThePageSizeAtTheResolution() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("map.png").path
    let result = try Territory.runArray([
      "map", Territory.tracts, "--column", "V014", "--dpi", "100", "-o", output,
    ])
    #expect(result.status == 0, "\(result.error)")
    // A4 landscape, 841.89 x 595.28 points at 100 dpi.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: output))
    let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
    let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
    #expect(width == 1169 && height == 827)
    #expect(Territory.contents(of: folder) == ["map.png"])
  }

  @Test(
    "PDF text is searchable in each language",
    arguments: [
      ("fr", "Olinda : habitants par secteur", "Pas de données"),
      ("en", "Olinda: residents per tract", "Residents"),
      ("ar", "أوليندا: السكان", "السكان"),
    ])
  func pdfText(language: String, title: String, legend: String) throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("map.pdf").path
    let result = try Territory.runArray([
      "map", Territory.tracts, "--column", "V014", "--title", title, "--legend", legend, "--lang",
      language,
      "--boundaries", Territory.tracts, "-o", output,
    ])
    #expect(result.status == 0, "\(result.error)")
    let text = try Territory.pdfText(output)
    // Arabic comes back with ligatures reordered: compare the letters, not the string.
    let letters = { (string: String) in
      Set(string.unicodeScalars.filter { $0.properties.isAlphabetic })
    }
    #expect(letters(title).isSubset(of: letters(text)), "\(text)")
    // Geographic tracts are drawn in the UTM zone of their centre: WGS 84 / UTM 25S.
    #expect(text.contains("EPSG:32725"))
  }

  @Test func svgIsWellFormedAndVector() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("map.svg").path
    let result = try Territory.runArray(["map", Territory.tracts, "--column", "V014", "-o", output])
    #expect(result.status == 0, "\(result.error)")
    let data = try Data(contentsOf: URL(fileURLWithPath: output))
    let parser = XMLParser(data: data)
    #expect(parser.parse())
    let text = String(decoding: data, as: UTF8.self)
    // One filled path per tract at least (470), and no embedded bitmap.
    #expect(text.components(separatedBy: "<path").count - 1 >= 470)
    #expect(!text.contains("<image"))
  }

  @Test func labelsBackgroundAndProportionalCircles() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let labelled = folder.appendingPathComponent("labels.pdf").path
    let result = try Territory.runArray([
      "map", Territory.tracts, "--column", "V014", "--labels", "NM_BAIR", "-o", labelled,
    ])
    #expect(result.status == 0, "\(result.error)")
    let text = try Territory.pdfText(labelled)
    // Some neighbourhood names are placed; overlapping ones are left out, not piled up.
    let names = ["Rio Doce", "Peixinhos", "Ouro Preto", "Jardim Atlântico", "Casa Caiada"]
    #expect(names.contains { text.contains($0) })
    let stations = Territory.root.appendingPathComponent("Data/sites/olinda/stations.geojson").path
    let circles = try Territory.runArray([
      "map", stations, "--column", "platforms", "--symbol", "proportional", "--size-field",
      "platforms",
      "--background", Territory.dem, "--background-crs", "EPSG:32725", "-o",
      folder.appendingPathComponent("stations.png").path, "--dpi", "60",
    ])
    #expect(circles.status == 0, "\(circles.error)")
    // A DEM in another CRS (degrees) is warped onto the map's.
    let degrees = folder.appendingPathComponent("dem4326.tif").path
    let warp = Process()
    warp.executableURL = URL(fileURLWithPath: "/usr/bin/gdalwarp")
    warp.arguments = ["-q", "-t_srs", "EPSG:4326", "-dstnodata", "-9999", Territory.dem, degrees]
    try warp.run()
    warp.waitUntilExit()
    let warped = try Territory.runArray([
      "map", stations, "--column", "platforms", "--background", degrees, "-o",
      folder.appendingPathComponent("warped.png").path, "--dpi", "60",
    ])
    #expect(warped.status == 0, "\(warped.error)")
    // An ASCII grid declares no CRS: --background-crs says it; one far from
    // the map has no data over it.
    let grid = folder.appendingPathComponent("nocrs.asc")
    try Data(
      "ncols 3\nnrows 3\nxllcorner 0\nyllcorner 0\ncellsize 100\n1 2 3\n4 5 6\n7 8 9\n".utf8
    ).write(to: grid)
    let unknown = try Territory.runArray([
      "map", stations, "--column", "platforms", "--background", grid.path, "-o",
      folder.appendingPathComponent("x.png").path,
    ])
    #expect(unknown.status == 1 && unknown.error.contains("--background-crs"), "\(unknown.error)")
    let elsewhere = try Territory.runArray([
      "map", stations, "--column", "platforms", "--background", grid.path, "--background-crs",
      "EPSG:32725", "-o", folder.appendingPathComponent("x.png").path,
    ])
    #expect(
      elsewhere.status == 1 && elsewhere.error.contains("no data over the map's extent"),
      "\(elsewhere.error)")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.png").path))
    let missingSize = try Territory.runArray([
      "map", stations, "--column", "platforms", "--symbol", "proportional", "-o",
      folder.appendingPathComponent("y.png").path,
    ])
    #expect(missingSize.status == 64 && missingSize.error.contains("--size-field"))
  }

  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    let arguments: [String]
    let mentions: [String]
    var testDescription: String { name }
  }

  static let bad: [Case] = [
    Case(
      name: "column that does not exist", arguments: ["--column", "POP"],
      mentions: ["POP", "V014", "NM_BAIR"]),
    Case(
      name: "text column", arguments: ["--column", "NM_BAIR"],
      mentions: ["NM_BAIR", "String", "not a number"]),
    Case(
      name: "unknown palette", arguments: ["--column", "V014", "--palette", "Yellows"],
      mentions: ["Yellows", "YlOrBr", "YlGn"]),
    Case(
      name: "too many classes for the palette",
      arguments: ["--column", "V014", "--palette", "Set2", "--classes", "10"],
      mentions: ["Set2", "at most 8"]),
  ]

  @Test(arguments: bad)
  func refused(_ testCase: Case) throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try Territory.runArray(
      ["map", Territory.tracts] + testCase.arguments + [
        "-o", folder.appendingPathComponent("m.pdf").path,
      ])
    #expect(result.status == 1)
    let first = result.error.split(separator: "\n").first.map(String.init) ?? ""
    #expect(first.hasPrefix("error: "))
    for word in testCase.mentions { #expect(first.contains(word), "\(word) in \(first)") }
    #expect(Territory.contents(of: folder).isEmpty)
  }

  @Test func missingFolderAndFewDistinctValues() throws {
    let missing = try Territory.runArray([
      "map", Territory.tracts, "--column", "V014", "-o", "/nonexistent/dir/m.pdf",
    ])
    #expect(missing.status == 1 && missing.error.contains("does not exist"))
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    // ID has 470 distinct values but TIPO-like columns few: use a column with 2 values via a GeoJSON.
    let input = folder.appendingPathComponent("two.geojson")
    try Data(
      #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"v":1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[0.01,0],[0.01,0.01],[0,0]]]}},{"type":"Feature","properties":{"v":2},"geometry":{"type":"Polygon","coordinates":[[[0.02,0],[0.03,0],[0.03,0.01],[0.02,0]]]}}]}"#
        .utf8
    ).write(to: input)
    let result = try Territory.runArray([
      "map", input.path, "--column", "v", "--classes", "5", "-o",
      folder.appendingPathComponent("m.png").path, "--dpi", "50",
    ])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.error.contains("warning: v has only 2 distinct values; using 2 classes"))
    #expect(result.output.contains("2 classes"))
    // Quantiles of a column that is mostly one value repeat their breaks: fewer
    // classes, and a warning that says why.
    let skewed = folder.appendingPathComponent("skewed.geojson")
    let features = (0..<12).map { index in
      let x = Double(index) * 0.01
      let value = index < 10 ? 5 : index * 10
      return
        #"{"type":"Feature","properties":{"v":\#(value)},"geometry":{"type":"Polygon","coordinates":[[[\#(x),0],[\#(x + 0.01),0],[\#(x + 0.01),0.01],[\#(x),0]]]}}"#
    }
    try Data(
      (#"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}").utf8
    ).write(to: skewed)
    let quantiles = try Territory.runArray([
      "map", skewed.path, "--column", "v", "--scheme", "quantiles", "--classes", "3", "-o",
      folder.appendingPathComponent("q.png").path, "--dpi", "50",
    ])
    #expect(quantiles.status == 0, "\(quantiles.error)")
    #expect(
      quantiles.error.contains(
        "the quantiles breaks of v repeat (many equal values); showing 2 classes instead of 3"),
      "\(quantiles.error)")
  }
}
