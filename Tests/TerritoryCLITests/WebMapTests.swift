import Foundation
import GDALKit
import Testing

/// The web map `analyze` writes into `web/`: the page, MapLibre GL JS as
/// `Scripts/setup` installed it, a vector tileset with a layer per scale, the
/// shaded relief and `site.json` with the print maps' classes. What the page
/// draws in a browser is checked by `Scripts/check-web` (headless Chromium).
@Suite("Web map of an analysis")
struct WebMapTests {
  @Test func analyzeWritesAWebMapOfEveryScale() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let site = Territory.root.appendingPathComponent("Data/sites/olinda").path
    let output = folder.appendingPathComponent("olinda")
    let result = try Territory.runArray(["analyze", site, "-o", output.path, "--quiet"])
    #expect(result.status == 0, "\(result.error)")
    let web = output.appendingPathComponent("web")
    for name in ["index.html", "territory.js", "territory.css", "site.json"] {
      #expect(
        FileManager.default.fileExists(atPath: web.appendingPathComponent(name).path), "\(name)")
    }
    // MapLibre GL JS is the installed copy, byte for byte.
    for name in ["maplibre-gl.js", "maplibre-gl.css"] {
      let installed = try Data(
        contentsOf: URL(fileURLWithPath: "/usr/local/share/territory/maplibre-gl-5.3.0/\(name)"))
      #expect(try Data(contentsOf: web.appendingPathComponent(name)) == installed, "\(name)")
    }
    let description = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: web.appendingPathComponent("site.json")))
        as? [String: Any])
    let scales = try #require(description["scales"] as? [[String: Any]]).compactMap {
      $0["name"] as? String
    }
    #expect(
      scales == [
        "grid100", "grid200", "grid500", "hex500", "tracts", "neighbourhoods", "municipality",
      ])
    // The index lists exactly the tiles on disk.
    let index = try #require(description["tileIndex"] as? [String])
    var onDisk: [String] = []
    for top in ["tiles", "hillshade"] {
      let walker = try #require(
        FileManager.default.enumerator(atPath: web.appendingPathComponent(top).path))
      for case let path as String in walker where path.hasSuffix(".pbf") || path.hasSuffix(".png") {
        onDisk.append("\(top)/\(path)")
      }
    }
    #expect(Set(index) == Set(onDisk) && index.count == onDisk.count)
    #expect(
      index.contains { $0.hasPrefix("hillshade/") } && index.contains { $0.hasPrefix("tiles/") })
    // Every scale is a layer of the tiles: GDAL's MVT driver reads them back.
    var layers = Set<String>()
    for path in index where path.hasPrefix("tiles/") {
      layers.formUnion(try VectorDataset(path: web.appendingPathComponent(path).path).layerNames)
    }
    #expect(layers == Set(scales))
    // The legend is the poster's: each French label is printed on it.
    let indicators = try #require(description["indicators"] as? [[String: Any]])
    #expect(
      indicators.compactMap { $0["name"] as? String } == [
        "V014_density", "elevation_mean", "stations_count",
      ])
    for indicator in indicators {
      let name = try #require(indicator["name"] as? String)
      let legend = try #require((indicator["legend"] as? [String: [String]])?["fr"])
      let poster = try Territory.pdfText(
        output.appendingPathComponent("maps/\(name)_scales.pdf").path
      ).filter { !$0.isWhitespace }
      for label in legend {
        #expect(poster.contains(label.filter { !$0.isWhitespace }), "'\(label)' of \(name)")
      }
      let breaks = try #require(indicator["breaks"] as? [Double])
      #expect((indicator["colours"] as? [String])?.count == breaks.count)
      #expect(zip(breaks, breaks.dropFirst()).allSatisfy { $0 < $1 })
    }
  }

  /// Without MapLibre GL JS, analyze stops before any work with one line that
  /// says what to do, and writes nothing.
  @Test func missingMapLibreIsRefusedBeforeAnyWork() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let site = Territory.root.appendingPathComponent("Data/sites/olinda").path
    let output = folder.appendingPathComponent("olinda")
    let result = try Territory.runArray(
      ["analyze", site, "-o", output.path, "--quiet"],
      environment: ["TERRITORY_MAPLIBRE": folder.path])
    #expect(result.status == 1)
    #expect(result.error.hasPrefix("error: MapLibre GL JS"), "\(result.error)")
    #expect(result.error.contains("--no-web") && result.error.contains(folder.path))
    #expect(result.error.split(separator: "\n").count == 1)
    #expect(Territory.contents(of: folder).isEmpty)
  }
}
