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
    // `territory web` makes the same site from the analysis folder, file for file.
    let again = folder.appendingPathComponent("again")
    let web2 = try Territory.runArray(["web", output.path, "-o", again.path, "--quiet"])
    #expect(web2.status == 0, "\(web2.error)")
    let files = try #require(FileManager.default.subpaths(atPath: web.path)).sorted()
    #expect(try #require(FileManager.default.subpaths(atPath: again.path)).sorted() == files)
    for file in files where !file.hasSuffix("/") {
      var isFolder: ObjCBool = false
      let exists = FileManager.default.fileExists(
        atPath: web.appendingPathComponent(file).path, isDirectory: &isFolder)
      if !exists || isFolder.boolValue { continue }
      #expect(
        FileManager.default.contentsEqual(
          atPath: web.appendingPathComponent(file).path,
          andPath: again.appendingPathComponent(file).path), "\(file)")
    }
  }

  /// `territory web` on what is not an analysis, over an existing folder, with
  /// the elevation model moved or changed: one line that says what to do, and
  /// nothing written.
  @Test func webRefusesWhatItCannotUse() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let fileManager = FileManager.default
    // A copy of the site, so that its elevation model can be moved and changed.
    let site = folder.appendingPathComponent("site")
    try fileManager.copyItem(
      at: Territory.root.appendingPathComponent("Data/sites/olinda"), to: site)
    let analysis = folder.appendingPathComponent("olinda")
    let analyzed = try Territory.runArray(
      ["analyze", site.path, "-o", analysis.path, "--quiet", "--no-web"])
    #expect(analyzed.status == 0, "\(analyzed.error)")
    func refused(_ arguments: [String], _ start: String, _ words: [String] = []) throws {
      let before = Territory.contents(of: folder)
      let result = try Territory.runArray(["web"] + arguments + ["--quiet"])
      #expect(result.status == 1, "\(arguments)")
      #expect(result.error.hasPrefix("error: " + start), "\(result.error)")
      for word in words { #expect(result.error.contains(word), "\(word): \(result.error)") }
      #expect(result.error.split(separator: "\n").count == 1)
      #expect(Territory.contents(of: folder) == before, "\(arguments) wrote something")
    }
    let out = folder.appendingPathComponent("web").path
    // Not an analysis: the site folder itself, and an empty folder.
    try refused(
      [site.path, "-o", out], site.path + " is not an analysis folder",
      ["analysis.gpkg", "report.json", "manifest.lock.json", "territory analyze"])
    try fileManager.createDirectory(
      at: folder.appendingPathComponent("empty"), withIntermediateDirectories: true)
    try refused(
      [folder.appendingPathComponent("empty").path, "-o", out], "", ["is not an analysis folder"])
    // An existing output is kept without --overwrite.
    try fileManager.createDirectory(
      at: folder.appendingPathComponent("kept"), withIntermediateDirectories: true)
    try Data("a team's notes".utf8).write(to: folder.appendingPathComponent("kept/notes.txt"))
    try refused(
      [analysis.path, "-o", folder.appendingPathComponent("kept").path], "", ["--overwrite"])
    // The elevation model moved: named, with --site and --no-relief to go on.
    let dem = site.appendingPathComponent("olinda_dem_utm25s.tif")
    let moved = folder.appendingPathComponent("moved")
    try fileManager.createDirectory(at: moved, withIntermediateDirectories: true)
    try fileManager.moveItem(at: dem, to: moved.appendingPathComponent(dem.lastPathComponent))
    try refused(
      [analysis.path, "-o", out], "the elevation model 'elevation' is not at \(dem.path)",
      ["--site", "--no-relief"])
    let found = try Territory.runArray(
      ["web", analysis.path, "-o", out, "--site", moved.path, "--quiet"])
    #expect(found.status == 0, "\(found.error)")
    #expect(fileManager.fileExists(atPath: out + "/hillshade"))
    try fileManager.removeItem(atPath: out)
    // The elevation model changed since the analysis.
    var bytes = try Data(contentsOf: moved.appendingPathComponent(dem.lastPathComponent))
    bytes.append(0)
    try bytes.write(to: dem)
    try refused(
      [analysis.path, "-o", out], "the elevation model 'elevation' (\(dem.path)) has changed",
      ["SHA-256", "manifest.lock.json", "--no-relief"])
    // Without the relief, the map is made all the same.
    let plain = try Territory.runArray(["web", analysis.path, "-o", out, "--no-relief", "--quiet"])
    #expect(plain.status == 0, "\(plain.error)")
    #expect(!fileManager.fileExists(atPath: out + "/hillshade"))
    #expect(fileManager.fileExists(atPath: out + "/tiles"))
    try fileManager.removeItem(atPath: out)
    // A report without the labels (an analysis of an earlier territory).
    let report = analysis.appendingPathComponent("report.json")
    var json = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
    json["languages"] = nil
    try JSONSerialization.data(withJSONObject: json).write(to: report)
    try refused(
      [analysis.path, "-o", out, "--no-relief"], report.path + " has no languages and labels",
      ["territory analyze"])
    try Data("{".utf8).write(to: report)
    try refused([analysis.path, "-o", out], report.path + " is not readable JSON")
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
