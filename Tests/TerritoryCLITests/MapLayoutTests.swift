import Foundation
import Testing

/// What a cartographer checks on a page: no text over other text, legend
/// circles as large as map circles of the same value, a CRS that suits the
/// data, and sizes that can be drawn.
@Suite("Map layout")
struct MapLayoutTests {
  /// Six squares whose values reach billions (areas in square feet), with a
  /// repeated value and a small one: the legend labels that once wrapped.
  static func largeValues(in folder: URL) throws -> String {
    let values: [Double] = [1_937_478_508, 2_500_000_000, 3_045_212_795, 889_953, 889_953, 5_163]
    let features = values.enumerated().map { index, value in
      let x = -87.7 + Double(index % 3) * 0.05
      let y = 41.8 + Double(index / 3) * 0.05
      return
        #"{"type":"Feature","properties":{"area_sqft":\#(value)},"geometry":{"type":"Polygon","coordinates":[[[\#(x),\#(y)],[\#(x + 0.05),\#(y)],[\#(x + 0.05),\#(y + 0.05)],[\#(x),\#(y + 0.05)],[\#(x),\#(y)]]]}}"#
    }
    let path = folder.appendingPathComponent("large.geojson")
    try Data(
      (#"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}").utf8
    ).write(to: path)
    return path.path
  }

  /// Every pair of words that cover more than a tenth of the smaller one.
  static func overlaps(_ words: [PageWord]) -> [String] {
    var found: [String] = []
    for (index, word) in words.enumerated() {
      for other in words[(index + 1)...] where word.overlap(with: other) > 0.1 {
        found.append("\(word) over \(other)")
      }
    }
    return found
  }

  @Test(arguments: ["fr", "en", "ar"])
  func noTextOverlapsOtherText(language: String) throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let large = try Self.largeValues(in: folder)
    let pages: [(String, [String])] = [
      ("large", ["map", large, "--column", "area_sqft", "--classes", "5"]),
      (
        "labels",
        [
          "map", Territory.tracts, "--column", "V014", "--labels", "NM_BAIR", "--boundaries",
          Territory.tracts,
        ]
      ),
      (
        "circles",
        [
          "map", Territory.stations, "--column", "platforms", "--symbol", "proportional",
          "--size-field", "platforms", "--boundaries", Territory.tracts,
        ]
      ),
      ("poster", ["map", large, "--column", "area_sqft", "--page", "A3", "--portrait"]),
    ]
    for (name, arguments) in pages {
      let output = folder.appendingPathComponent("\(name)-\(language).pdf").path
      let result = try Territory.runArray(
        arguments + ["--lang", language, "--title", "Title \(name)", "-o", output])
      #expect(result.status == 0, "\(result.error)")
      let words = try Territory.pdfWords(output)
      #expect(words.count > 8, "\(name): \(words.count) words")
      #expect(Self.overlaps(words).isEmpty, "\(name) (\(language)): \(Self.overlaps(words))")
    }
  }

  /// Small multiples read in the page's direction: in Arabic the first layer's
  /// panel is on the right.
  @Test(arguments: [("en", false), ("ar", true)])
  func smallMultiplesFollowTheReadingDirection(language: String, rightToLeft: Bool) throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let large = try Self.largeValues(in: folder)
    let layers = folder.appendingPathComponent("layers.gpkg").path
    for name in ["alpha", "beta"] {
      let ogr = Process()
      ogr.executableURL = URL(fileURLWithPath: "/usr/bin/ogr2ogr")
      ogr.arguments = (name == "beta" ? ["-update"] : []) + ["-nln", name, layers, large]
      try ogr.run()
      ogr.waitUntilExit()
      #expect(ogr.terminationStatus == 0)
    }
    let output = folder.appendingPathComponent("m.pdf").path
    let result = try Territory.runArray([
      "map", layers, "--small-multiples", "--column", "area_sqft", "--lang", language, "-o",
      output,
    ])
    #expect(result.status == 0, "\(result.error)")
    let words = try Territory.pdfWords(output)
    let alpha = try #require(words.first { $0.text == "alpha" })
    let beta = try #require(words.first { $0.text == "beta" })
    #expect((alpha.minX > beta.minX) == rightToLeft, "alpha at \(alpha.minX), beta at \(beta.minX)")
  }

  @Test func largeValuesAreDividedAndBoundsNeverRepeat() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let large = try Self.largeValues(in: folder)
    for (classes, page) in [("5", "A4"), ("3", "16:9"), ("3", "A4")] {
      let output = folder.appendingPathComponent("m\(classes)-\(page).pdf").path
      let result = try Territory.runArray([
        "map", large, "--column", "area_sqft", "--classes", classes, "--page", page, "-o", output,
      ])
      #expect(result.status == 0, "\(result.error)")
      let text = try Territory.pdfText(output)
      // A class of one value is shown once, not as "889,953 – 889,953".
      #expect(!text.contains("889,953 – 889,953") && !text.contains("5,163 – 5,163"), "\(text)")
      // Each range is one line: its words share their baseline.
      let words = try Territory.pdfWords(output)
      for dash in words where dash.text == "–" {
        let line = words.filter { abs($0.minY - dash.minY) < 0.5 && $0.minX > dash.minX - 200 }
        #expect(line.count >= 3, "\(line)")
      }
      if classes == "3" {
        #expect(words.contains { $0.text == "–" }, "\(text)")
      }
    }
  }

  /// The widths of the SVG's circles (paths of Bézier arcs alone: Cairo draws
  /// a circle with four, or two when it is small), by stroke width.
  static func circleDiameters(_ svg: String, strokeWidth: String) throws -> [Double] {
    let pattern = try NSRegularExpression(
      pattern: #"stroke-width:\#(strokeWidth);[^"]*" d="(M [^"]*)""#)
    let range = NSRange(svg.startIndex..., in: svg)
    return pattern.matches(in: svg, range: range).compactMap { match in
      let path = String(svg[Range(match.range(at: 1), in: svg)!])
      let numbers = path.split(separator: " ").compactMap { Double($0) }
      guard path.filter({ $0 == "C" }).count >= 2, !path.contains("L"), numbers.count >= 2 else {
        return nil
      }
      let xs = stride(from: 0, to: numbers.count - 1, by: 2).map { numbers[$0] }
      return xs.max()! - xs.min()!
    }
  }

  /// The map draws circles with a 0.4-point outline, the legend with 0.5.
  @Test(arguments: [["--page", "A4"], ["--page", "A3", "--portrait"], ["--page", "16:9"]])
  func legendCirclesHaveTheSizeOfMapCircles(page: [String]) throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("m.svg").path
    let result = try Territory.runArray(
      [
        "map", Territory.stations, "--column", "platforms", "--symbol", "proportional",
        "--size-field", "platforms", "-o", output,
      ] + page)
    #expect(result.status == 0, "\(result.error)")
    let svg = try String(contentsOfFile: output, encoding: .utf8)
    let map = try Self.circleDiameters(svg, strokeWidth: "0.4")
    let legend = try Self.circleDiameters(svg, strokeWidth: "0.5")
    // The largest legend circle stands for the largest value, as the largest map circle.
    let largestMap = try #require(map.max())
    let largestLegend = try #require(legend.max())
    #expect(
      abs(largestMap - largestLegend) < 0.01, "map \(largestMap) pt, legend \(largestLegend) pt")
  }

  /// A count on polygons is mapped as circles: one per tract, over a pale ground,
  /// the largest as large as the legend's.
  @Test func polygonsCarryProportionalCircles() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("m.svg").path
    let result = try Territory.runArray([
      "map", Territory.tracts, "--column", "V014", "--symbol", "proportional", "--size-field",
      "V014", "-o", output,
    ])
    #expect(result.status == 0, "\(result.error)")
    let svg = try String(contentsOfFile: output, encoding: .utf8)
    let map = try Self.circleDiameters(svg, strokeWidth: "0.4")
    let legend = try Self.circleDiameters(svg, strokeWidth: "0.5")
    #expect(map.count == 470)
    let largestMap = try #require(map.max())
    let largestLegend = try #require(legend.max())
    #expect(
      abs(largestMap - largestLegend) < 0.01, "map \(largestMap) pt, legend \(largestLegend) pt")
  }

  @Test func badProjectionAndSizesAreRefused() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let world = folder.appendingPathComponent("world.geojson")
    try Data(
      #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"v":1,"s":-2},"geometry":{"type":"Point","coordinates":[-120,40]}},{"type":"Feature","properties":{"v":2,"s":-1},"geometry":{"type":"Point","coordinates":[100,-30]}},{"type":"Feature","properties":{"v":3,"s":4},"geometry":{"type":"Point","coordinates":[10,50]}}]}"#
        .utf8
    ).write(to: world)
    let output = folder.appendingPathComponent("m.png").path
    let utm = try Territory.runArray([
      "map", world.path, "--column", "v", "--crs", "32631", "-o", output,
    ])
    #expect(utm.status == 1)
    #expect(utm.error.hasPrefix("error: the map cannot be drawn in EPSG:32631"), "\(utm.error)")
    #expect(utm.error.contains("Equal Earth"), "\(utm.error)")
    let negative = try Territory.runArray([
      "map", world.path, "--column", "v", "--symbol", "proportional", "--size-field", "s", "-o",
      output,
    ])
    #expect(negative.status == 1)
    #expect(negative.error.hasPrefix("error: 2 features have a negative 's'"), "\(negative.error)")
    #expect(Territory.contents(of: folder) == ["world.geojson"])
    // A bare number is an EPSG code, and the small print names the CRS chosen.
    let pdf = folder.appendingPathComponent("m.pdf").path
    let bare = try Territory.runArray([
      "map", Territory.tracts, "--column", "V014", "--crs", "31985", "-o", pdf,
    ])
    #expect(bare.status == 0, "\(bare.error)")
    #expect(try Territory.pdfText(pdf).contains("EPSG:31985"))
    #expect(bare.output.contains("projection: SIRGAS 2000 / UTM zone 25S (EPSG:31985)"))
  }
}
