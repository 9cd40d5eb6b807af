import Foundation
import Testing

/// `analyze` on a site seen at two dates: an earlier units layer (`date:`) and
/// `analyses.change` give every scale the earlier count, the change and its
/// percentage, in the tables, the report and the maps (classed around zero).
@Suite("A site at two dates")
struct SiteChangeTests {
  /// The tracts as they are, and an earlier date with 10 residents fewer in
  /// each tract (made by GDAL's SQL, in the same file layout).
  static func site() throws -> URL {
    let folder = try Territory.scratch()
    let earlier = folder.appendingPathComponent("tracts2010.gpkg").path
    let ogr = Process()
    ogr.executableURL = URL(fileURLWithPath: "/usr/bin/ogr2ogr")
    ogr.arguments = [
      "-dialect", "sqlite", "-sql", "SELECT geom, V014 - 10 AS POP10 FROM olinda_tracts", "-nln",
      "tracts2010", earlier, Territory.tracts,
    ]
    try ogr.run()
    ogr.waitUntilExit()
    #expect(ogr.terminationStatus == 0)
    try FileManager.default.copyItem(
      atPath: Territory.tracts, toPath: folder.appendingPathComponent("tracts.gpkg").path)
    try Data(
      """
      name: twodates
      crs: EPSG:31985
      languages: [en]
      layers:
        tracts:
          path: tracts.gpkg
          crs: EPSG:4674
          role: units
          date: "2022"
          variables:
            V014: {kind: extensive}
        tracts2010:
          path: tracts2010.gpkg
          crs: EPSG:4674
          role: units
          date: "2010"
      scales:
        - {name: grid500, grid: 500}
        - {name: tracts, units: tracts}
      analyses:
        change:
          before: tracts2010
          variables: {V014: POP10}

      """.utf8
    ).write(to: folder.appendingPathComponent("site.yaml"))
    return folder
  }

  @Test func everyScaleHasTheChange() throws {
    let folder = try Self.site()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("out")
    let result = try Territory.runArray([
      "analyze", "--no-web", folder.path, "-o", output.path, "--quiet",
    ])
    #expect(result.status == 0, "\(result.error)")
    let gpkg = output.appendingPathComponent("analysis.gpkg").path
    func column(_ layer: String, _ name: String) throws -> [Double] {
      let csv = folder.appendingPathComponent("\(layer)-\(name).csv").path
      let ogr = Process()
      ogr.executableURL = URL(fileURLWithPath: "/usr/bin/ogr2ogr")
      ogr.arguments = ["-f", "CSV", "-sql", "SELECT \(name) FROM \(layer)", csv, gpkg]
      try ogr.run()
      ogr.waitUntilExit()
      let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        .dropFirst()
      return lines.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }
    // On the tracts themselves: 10 more residents in every one of the 470 (to
    // a millionth: the real tracts overlap by a few m² here and there, and the
    // residents of an overlap are shared by the tracts it belongs to).
    let tracts = try column("tracts", "V014_change")
    #expect(tracts.count == 470)
    let worst = tracts.map { abs($0 - 10) }.max() ?? .infinity
    #expect(worst < 1e-6, "worst \(worst)")
    // On the grid: the total change is 4,700, and the earlier total is kept.
    let cells = try column("grid500", "V014_change")
    let totalChange: Double = cells.reduce(0, +)
    #expect(abs(totalChange - 4_700) < 1e-6)
    let earlier = try column("grid500", "V014_before")
    let earlierTotal: Double = earlier.reduce(0, +)
    let expectedEarlier: Double = 377_779 - 4_700
    #expect(abs(earlierTotal - expectedEarlier) < 1e-6)
    let report = try String(contentsOf: output.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(report.contains("change of V014 since 2010"), "\(report.prefix(2000))")
    #expect(report.contains("POP10 (2010)"), "the earlier date's mass balance")
    // The change part: per scale, the change of density and its spread, each
    // recomputed here from the tracts layer's own columns.
    #expect(report.contains("## Change between 2010 and 2022"), "\(report)")
    let json =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: output.appendingPathComponent("report.json"))) as? [String: Any]
    let changes = try #require(json?["changes"] as? [[String: Any]])
    #expect(changes.count == 1 && changes.first?["before"] as? String == "2010")
    let scales = try #require(changes.first?["scales"] as? [[String: Any]])
    #expect(scales.map { $0["scale"] as? String } == ["grid500", "tracts"])
    let onTracts = scales[1]
    let areas = try column("tracts", "covered_area")
    let perKm2 = zip(tracts, areas).map { $0 / ($1 / 1e6) }
    let mean = perKm2.reduce(0, +) / Double(perKm2.count)
    let std = (perKm2.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(perKm2.count))
      .squareRoot()
    #expect(abs((onTracts["meanChange"] as? Double ?? .nan) - mean) < 1e-6 * mean)
    #expect(abs((onTracts["stdChange"] as? Double ?? .nan) - std) < 1e-6 * std)
    #expect(onTracts["gaining"] as? Double == 1, "every tract gained 10 residents")
    // The later date's Gini is the scale report's Gini of the density.
    let indicators = try #require(json?["indicators"] as? [[String: Any]])
    let density = indicators.first { $0["name"] as? String == "V014_density" }
    let densityGini =
      ((density?["scales"] as? [[String: Any]])?.first?["statistics"]
      as? [String: Any])?["gini"] as? Double
    let giniAfter = scales[0]["giniAfter"] as? Double
    #expect(densityGini != nil && giniAfter == densityGini)
    let giniChange = try #require(scales[0]["giniChange"] as? Double)
    let giniBefore = try #require(scales[0]["giniBefore"] as? Double)
    #expect(abs(giniChange - (giniAfter! - giniBefore)) < 1e-12)
    let maps = Territory.contents(of: output.appendingPathComponent("maps"))
    #expect(maps.contains("V014_change_grid500.png") && maps.contains("V014_change_scales.pdf"))
    // The two dates side by side at the same classes, per scale.
    #expect(
      maps.contains("V014_dates_tracts_scales.pdf")
        && maps.contains("V014_dates_grid500_scales.png"))
    let dates = try Territory.pdfText(
      output.appendingPathComponent("maps/V014_dates_tracts_scales.pdf").path)
    #expect(dates.contains("2010") && dates.contains("2022"))
    let poster = output.appendingPathComponent("maps/V014_change_scales.pdf").path
    #expect(try Territory.pdfText(poster).contains("V014: change since 2010"))
  }

  /// A dissolve scale placed among random zonings of the tracts into as many zones.
  @Test func theZoningEffectOfNeighbourhoods() throws {
    let folder = try Self.site()
    defer { try? FileManager.default.removeItem(at: folder) }
    let manifest = folder.appendingPathComponent("site.yaml")
    let text = try String(contentsOf: manifest, encoding: .utf8)
    try Data(
      text.replacingOccurrences(
        of: "  - {name: tracts, units: tracts}",
        with:
          "  - {name: tracts, units: tracts}\n  - {name: neighbourhoods, dissolve: tracts, by: NM_BAIR, zoning_effect: {random: 19}}"
      ).utf8
    ).write(to: manifest)
    let output = folder.appendingPathComponent("out")
    let result = try Territory.runArray([
      "analyze", "--no-web", folder.path, "-o", output.path, "--quiet",
    ])
    #expect(result.status == 0, "\(result.error)")
    let report = try String(contentsOf: output.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(report.contains("## Zoning effect: neighbourhoods against 19 random zonings"))
    #expect(
      report.contains("random contiguous zonings of the 470 units into 32 zones"), "\(report)")
    let json =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: output.appendingPathComponent("report.json"))) as? [String: Any]
    let effects = json?["zoningEffects"] as? [[String: Any]]
    let entry = (effects?.first?["entries"] as? [[String: Any]])?.first
    let random = entry?["randomGini"] as? [String: Any]
    let values = random?["values"] as? [Double] ?? []
    #expect(values.count == 19)
    let histogram = output.appendingPathComponent("maps/neighbourhoods_V014_density_zoning.png")
    #expect(FileManager.default.fileExists(atPath: histogram.path))
    // Every indicator, not only densities: the change too, flagged as a count per zone.
    let entries = effects?.first?["entries"] as? [[String: Any]] ?? []
    #expect(
      entries.compactMap { $0["indicator"] as? String }
        == ["V014_density", "V014_before", "V014_change", "V014_change_pct"])
    #expect(entries.map { $0["isCount"] as? Bool } == [false, true, true, false])
    #expect(report.contains("This is a count per zone, not per km²"))
    // The percentile is the share of random Ginis at or below the zoning's own.
    let gini = entry?["gini"] as? Double ?? .nan
    let percentile = entry?["giniPercentile"] as? Double ?? .nan
    let expected = 100 * Double(values.filter { $0 <= gini }.count) / 19
    #expect(abs(percentile - expected) < 1e-9)
    // Grids measure their zoning effect by shifting: zoning_effect is refused there.
    try Data(
      text.replacingOccurrences(
        of: "  - {name: grid500, grid: 500}",
        with: "  - {name: grid500, grid: 500, zoning_effect: {random: 9}}"
      ).utf8
    ).write(to: manifest)
    let refused = try Territory.runArray([
      "analyze", "--no-web", folder.path, "-o", folder.appendingPathComponent("again").path,
      "--quiet",
    ])
    #expect(refused.status == 1 && refused.error.contains("zoning_effect is for units"))
  }

  @Test func aChangeOfAMissingLayerOrCountIsRefused() throws {
    let folder = try Self.site()
    defer { try? FileManager.default.removeItem(at: folder) }
    let manifest = folder.appendingPathComponent("site.yaml")
    let text = try String(contentsOf: manifest, encoding: .utf8)
    try Data(text.replacingOccurrences(of: "{V014: POP10}", with: "{TIPO: POP10}").utf8)
      .write(to: manifest)
    let output = folder.appendingPathComponent("out")
    let result = try Territory.runArray([
      "analyze", "--no-web", folder.path, "-o", output.path, "--quiet",
    ])
    #expect(result.status == 1)
    #expect(result.error.contains("'TIPO' is not a count"), "\(result.error)")
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }
}
