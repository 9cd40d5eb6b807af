import Foundation
import TerritoryKit
import Testing

/// Scales too large for a map are left out of the maps, grid cells are drawn
/// from their grid instead, and the report says which.
@Suite("analyze: maps of large scales")
struct AnalyzeMapsTests {
  @Test func scalesOverTheLimitAreLeftOutOrDrawnFromTheirGridAndNamedInTheReport() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "territory-maps-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    var options = AnalyzeOptions()
    options.output = folder.appendingPathComponent("olinda").path
    options.web = false
    // Olinda's 100 m grid has 4,408 cells, its 200 m grid 1,161 and its tracts
    // 470; every other scale has fewer than 400 polygons.
    options.mostMapPolygons = 400
    var lines: [String] = []
    options.progress = { lines.append($0) }
    let analysis = try Tools.analyze(
      site: OverviewTests.root.appendingPathComponent("Data/sites/olinda").path, options: options)
    let drawing = Dictionary(uniqueKeysWithValues: analysis.report.scales.map { ($0.name, $0.map) })
    let fromGrid = ScaleReport.MapDrawing.cells(dpi: Int(MapRenderer.imageDPI))
    #expect(drawing["tracts"] == .leftOut, "\(drawing)")
    #expect(drawing["grid100"] == fromGrid && drawing["grid200"] == fromGrid, "\(drawing)")
    #expect(drawing.filter { $0.value == .vector }.count == drawing.count - 3, "\(drawing)")
    let maps = analysis.files.filter { $0.hasPrefix("maps/") }
    #expect(!maps.contains { $0.contains("_tracts") }, "\(maps)")
    #expect(maps.contains("maps/V014_density_grid100.png"))
    #expect(maps.contains("maps/V014_density_grid200.png"))
    #expect(maps.contains("maps/V014_density_scales.pdf"))
    // The values are still written.
    #expect(analysis.files.contains("tracts.geojson"))
    let report = try String(
      contentsOf: folder.appendingPathComponent("olinda/report.md"), encoding: .utf8)
    #expect(report.contains("## Maps"))
    #expect(
      report.contains("- tracts (470 targets) is left out of the maps for size"), "\(report)")
    #expect(
      report.contains(
        "- grid100 (4,408 targets) is drawn from its grid as an image at print resolution (300 dpi)"
      ), "\(report)")
    let json = try String(
      contentsOf: folder.appendingPathComponent("olinda/report.json"), encoding: .utf8)
    #expect(json.contains(#""map" : "left out""#))
    #expect(json.contains(#""map" : "cells""#))
    #expect(lines.contains { $0.hasPrefix("drawing maps (left out for size: tracts;") }, "\(lines)")
    // The poster of every scale is drawn from the grid where it can: its PDF
    // holds the grid scales as images, not as 5,569 cell paths.
    let poster = try Data(
      contentsOf: folder.appendingPathComponent("olinda/maps/V014_density_scales.pdf"))
    #expect(poster.count < 3_000_000)
    // A scale drawn as an image is named with the resolution the maps used.
    var imaged = analysis.report
    let grid500 = try #require(imaged.scales.firstIndex { $0.name == "grid500" })
    imaged.scales[grid500].map = .image(dpi: 240)
    #expect(
      imaged.markdown().split(separator: "\n").contains {
        $0.hasPrefix("- grid500 (")
          && $0.contains("targets) is drawn as an image at print resolution (240 dpi)")
      })
    #expect(String(decoding: try imaged.json(), as: UTF8.self).contains(#""map" : "image""#))
    // The thresholds: at the limit a scale is drawn; from `imageThreshold` as an
    // image; over the limit left out, unless its cells are a grid's.
    #expect(SiteMaps.Drawing(polygons: 1_000, most: 1_000) == .vector)
    #expect(SiteMaps.Drawing(polygons: 1_000, most: 1_000, gridCells: true) == .vector)
    #expect(SiteMaps.Drawing(polygons: MapRenderer.imageThreshold) == .image)
    #expect(SiteMaps.Drawing(polygons: MapRenderer.imageThreshold, gridCells: true) == .cells)
    #expect(SiteMaps.Drawing(polygons: SiteMaps.mostPolygons + 1) == .leftOut)
    #expect(SiteMaps.Drawing(polygons: SiteMaps.mostPolygons + 1, gridCells: true) == .cells)
    #expect(SiteMaps.Drawing(polygons: 1_001, most: 1_000, gridCells: true) == .cells)
  }
}
