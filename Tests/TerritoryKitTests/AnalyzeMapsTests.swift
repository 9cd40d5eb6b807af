import Foundation
import TerritoryKit
import Testing

/// Scales too large for a map are left out of the maps, and the report says so.
@Suite("analyze: maps of large scales")
struct AnalyzeMapsTests {
  @Test func scalesOverTheLimitAreLeftOutOfTheMapsAndNamedInTheReport() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "territory-maps-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    var options = AnalyzeOptions()
    options.output = folder.appendingPathComponent("olinda").path
    options.web = false
    // Olinda's 100 m grid has 4,408 cells and its 200 m grid 1,161; every
    // other scale has fewer than 1,000 polygons.
    options.mostMapPolygons = 1_000
    var lines: [String] = []
    options.progress = { lines.append($0) }
    let analysis = try Tools.analyze(
      site: OverviewTests.root.appendingPathComponent("Data/sites/olinda").path, options: options)
    let drawing = Dictionary(uniqueKeysWithValues: analysis.report.scales.map { ($0.name, $0.map) })
    #expect(drawing["grid100"] == .leftOut && drawing["grid200"] == .leftOut)
    #expect(drawing.filter { $0.value == .vector }.count == drawing.count - 2, "\(drawing)")
    let maps = analysis.files.filter { $0.hasPrefix("maps/") }
    #expect(!maps.contains { $0.contains("_grid100") || $0.contains("_grid200") }, "\(maps)")
    #expect(maps.contains("maps/V014_density_tracts.png"))
    #expect(maps.contains("maps/V014_density_scales.pdf"))
    // The values are still written.
    #expect(analysis.files.contains("grid100.geojson"))
    let report = try String(
      contentsOf: folder.appendingPathComponent("olinda/report.md"), encoding: .utf8)
    #expect(report.contains("## Maps"))
    #expect(
      report.contains("- grid100 (4,408 targets) is left out of the maps for size"), "\(report)")
    let json = try String(
      contentsOf: folder.appendingPathComponent("olinda/report.json"), encoding: .utf8)
    #expect(json.contains(#""map" : "left out""#))
    #expect(lines.contains { $0.hasPrefix("drawing maps (left out for size: grid100, grid200") })
    // A scale drawn as an image is named with the resolution the maps used.
    var imaged = analysis.report
    let tracts = try #require(imaged.scales.firstIndex { $0.name == "tracts" })
    imaged.scales[tracts].map = .image(dpi: 240)
    #expect(
      imaged.markdown().contains(
        "- tracts (470 targets) is drawn as an image at print resolution (240 dpi)"))
    #expect(String(decoding: try imaged.json(), as: UTF8.self).contains(#""map" : "image""#))
    // The thresholds: at the limit a scale is drawn; from `imageThreshold` as an image.
    #expect(SiteMaps.Drawing(polygons: 1_000, most: 1_000) == .vector)
    #expect(SiteMaps.Drawing(polygons: MapRenderer.imageThreshold) == .image)
    #expect(SiteMaps.Drawing(polygons: SiteMaps.mostPolygons + 1) == .leftOut)
  }
}
