import Foundation
import Testing

@Suite("territory site check and analyze")
struct SiteCommandTests {
  /// A site folder with the Olinda tracts and DEM and the given manifest.
  func site(_ manifest: String) throws -> URL {
    let folder = try Territory.scratch()
    for name in ["olinda_tracts.gpkg", "olinda_dem_utm25s.tif", "stations.geojson"] {
      try FileManager.default.copyItem(
        at: Territory.root.appendingPathComponent("Data/sites/olinda/\(name)"),
        to: folder.appendingPathComponent(name))
    }
    try Data(manifest.utf8).write(to: folder.appendingPathComponent("site.yaml"))
    return folder
  }

  static let base = """
    name: test
    crs: EPSG:31985
    layers:
      tracts:
        path: olinda_tracts.gpkg
        role: units
        variables:
          V014: {kind: extensive}

    """

  @Test func olindaIsUsable() throws {
    let result = try Territory.runArray([
      "site", "check", Territory.root.appendingPathComponent("Data/sites/olinda").path,
    ])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.output.contains("total V014: 377779"))
    #expect(result.output.contains("The site is usable."))
  }

  @Test func unknownDatumIsExplainedWithTheLikelyCode() throws {
    let folder = try site(Self.base)
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try Territory.runArray(["site", "check", folder.path, "--json"])
    #expect(result.status == 0)  // a warning: usable, but look
    let json = try #require(
      JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let problems = try #require(json["problems"] as? [[String: Any]])
    let message = try #require(problems.first?["message"] as? String)
    #expect(message.contains("unknown datum") && message.contains("SIRGAS 2000 (EPSG:4674)"))
    #expect(message.contains("crs: EPSG:"))
  }

  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    let manifest: String
    let mentions: [String]
    var testDescription: String { name }
  }

  static let bad: [Case] = [
    Case(
      name: "missing file",
      manifest: base.replacingOccurrences(of: "olinda_tracts.gpkg", with: "nowhere.gpkg"),
      mentions: ["nowhere.gpkg", "does not exist"]),
    Case(
      name: "declared field that does not exist",
      manifest: base.replacingOccurrences(of: "V014", with: "POP"),
      mentions: ["POP", "NM_BAIR"]),
    Case(
      name: "text field declared as a count",
      manifest: base.replacingOccurrences(of: "V014", with: "NM_BAIR"),
      mentions: ["NM_BAIR", "String", "extensive"]),
    Case(
      name: "raster that is not a raster",
      manifest: base + "  dem:\n    path: olinda_tracts.gpkg\n    role: raster\n",
      mentions: ["raster"]),
    Case(
      name: "YAML syntax error", manifest: "name: test\ncrs: [EPSG:31985\n",
      mentions: ["line 3", "YAML syntax error"]),
    Case(
      name: "unknown key", manifest: base + "colour: red\n",
      mentions: ["unknown key 'colour'", "valid keys"]),
    Case(
      name: "negative cell", manifest: base + "scales:\n  - {name: g, grid: -5}\n",
      mentions: ["-5", "positive"]),
    Case(
      name: "cells of 0.1 mm", manifest: base + "scales:\n  - {name: fine, grid: 0.0001}\n",
      mentions: ["fine", "cells", "limit of 50,000,000"]),
  ]

  /// Points outside the area of the working CRS (a city in Malaysia on a site
  /// in UTM zone 25 south) once stopped analyze with a message naming no layer.
  @Test func pointsOutsideTheWorkingCRSFallInNoZone() throws {
    let far = """
      {"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[-34.85,-8.01]}},
      {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[101.69,2.93]}}]}
      """
    let folder = try site(
      Self.base.replacingOccurrences(of: "role: units", with: "role: units\n    crs: EPSG:4674")
        + "  cities:\n    path: cities.geojson\n    role: points\n"
        + "scales:\n  - {name: g, grid: 1000}\nanalyses:\n  points: [cities]\n")
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data(far.utf8).write(to: folder.appendingPathComponent("cities.geojson"))
    let check = try Territory.runArray(["site", "check", folder.path])
    #expect(check.status == 0, "\(check.output)")
    #expect(
      check.output.contains("cities: 1 feature cannot be placed in EPSG:31985"), "\(check.output)")
    let output = folder.appendingPathComponent("out")
    let analyze = try Territory.runArray(["analyze", "--no-web", folder.path, "-o", output.path])
    #expect(analyze.status == 0, "\(analyze.error)")
    #expect(analyze.error.contains("cities: 1 point cannot be placed"), "\(analyze.error)")
    let points = try Territory.runArray([
      "points", folder.appendingPathComponent("cities.geojson").path, "--to-crs", "EPSG:31985",
      "--grid", "1000", "-o", folder.appendingPathComponent("cells.csv").path,
    ])
    #expect(points.status == 0, "\(points.error)")
    #expect(points.output.contains("1 points fall in no zone"), "\(points.output)")
    #expect(points.output.contains("1 of them cannot be placed in EPSG:31985"), "\(points.output)")
  }

  /// The ladder site init proposes fits the extent of the units: on a 150,000
  /// km² state it once proposed 200 m cells (3.8 million) that ran out of memory.
  @Test func initProposesALadderThatFitsTheExtent() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    // A square state of 390 km by 390 km (152,100 km²), in UTM zone 17 north.
    let state = folder.appendingPathComponent("state.geojson")
    try Data(
      """
      {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32617"}},"features":[
      {"type":"Feature","properties":{"COUNTY_ID":1,"X":500000.5,"POP":1200,"RATE":0.5},"geometry":{"type":"Polygon","coordinates":[[[300000,3500000],[690000,3500000],[690000,3890000],[300000,3890000],[300000,3500000]]]}}]}
      """.utf8
    ).write(to: state)
    let site = folder.appendingPathComponent("site")
    let made = try Territory.runArray([
      "site", "init", site.path, "--crs", "EPSG:32617", "--from", state.path,
    ])
    #expect(made.status == 0, "\(made.error)")
    let text = try String(contentsOf: site.appendingPathComponent("site.yaml"), encoding: .utf8)
    #expect(text.contains("grid: 500}") && !text.contains("grid: 200}"), "\(text)")
    #expect(text.contains("# COUNTY_ID: an identifier") && text.contains("# X: an identifier"))
    #expect(text.contains("POP: {kind: extensive}") && text.contains("RATE: {kind: intensive}"))
    let check = try Territory.runArray(["site", "check", site.path])
    #expect(check.status == 0, "\(check.output)")
    #expect(
      check.output.contains("grid500m") && check.output.contains("608,400"), "\(check.output)")
  }

  @Test(arguments: bad)
  func checkRefuses(_ testCase: Case) throws {
    let folder = try site(testCase.manifest)
    defer { try? FileManager.default.removeItem(at: folder) }
    let check = try Territory.runArray(["site", "check", folder.path])
    #expect(check.status == 1)
    let all = check.output + check.error
    for word in testCase.mentions { #expect(all.contains(word), "\(word) in \(all)") }
    // analyze refuses too, with one error line, and writes nothing.
    let output = folder.appendingPathComponent("out")
    let analyze = try Territory.runArray([
      "analyze", "--no-web", folder.path, "-o", output.path, "--quiet",
    ])
    #expect(analyze.status == 1)
    #expect(analyze.error.hasPrefix("error: "), "\(analyze.error)")
    #expect(!FileManager.default.fileExists(atPath: output.path))
    #expect(Territory.contents(of: folder).allSatisfy { !$0.hasPrefix(".") })
  }

  @Test func analyzeOlindaKeepsTheResidentsAtEveryScaleAndIsReproducible() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let site = Territory.root.appendingPathComponent("Data/sites/olinda").path
    let first = folder.appendingPathComponent("a")
    let result = try Territory.runArray(["analyze", "--no-web", site, "-o", first.path, "--quiet"])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.error.isEmpty)
    let files = Territory.contents(of: first)
    for name in [
      "analysis.gpkg", "report.md", "report.json", "manifest.lock.json", "grid100.geojson",
      "neighbourhoods.geojson",
    ] {
      #expect(files.contains(name))
    }
    let report = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: first.appendingPathComponent("report.json"))) as? [String: Any])
    let scales = try #require(report["scales"] as? [[String: Any]])
    #expect(scales.count == 7)
    for scale in scales {
      let balance = try #require((scale["balances"] as? [[String: Any]])?.first)
      #expect(abs((balance["totalOut"] as? Double ?? 0) - 377_779) < 1e-6, "\(scale["name"] ?? "")")
    }
    let markdown = try String(
      contentsOf: first.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(markdown.contains("Moran's I") && markdown.contains("Gini over 4 placements"))
    // QGIS opens every scale already styled as the maps are.
    try LayerStylesCheck.check(
      first, scales: scales.compactMap { $0["name"] as? String },
      indicators: ["V014_density", "elevation_mean", "stations_count"])
    // A second run, on one thread, gives the same bytes but for the lock file's timestamp.
    let second = folder.appendingPathComponent("b")
    _ = try Territory.runArray([
      "analyze", "--no-web", site, "-o", second.path, "--quiet", "--jobs", "1",
    ])
    let maps = Territory.contents(of: first.appendingPathComponent("maps")).map { "maps/" + $0 }
    #expect(
      maps.contains("maps/V014_density_scales.pdf")
        && maps.contains("maps/V014_density_grid100.png"))
    for name in files + maps where name != "manifest.lock.json" && name != "maps" {
      let a = try Data(contentsOf: first.appendingPathComponent(name))
      let b = try Data(contentsOf: second.appendingPathComponent(name))
      #expect(a == b, "\(name) differs between two runs")
    }
    // Without --overwrite the folder is kept; with it, replaced.
    let again = try Territory.runArray(["analyze", "--no-web", site, "-o", first.path, "--quiet"])
    #expect(again.status == 1 && again.error.contains("--overwrite"))
    #expect(
      try Territory.runArray([
        "analyze", "--no-web", site, "-o", first.path, "--quiet", "--overwrite",
      ]).status
        == 0)
  }

  /// A site declaring every kind of variable: an intensive one was once
  /// written twice to analysis.gpkg ("duplicate column name") and stopped the run.
  @Test func analyzeRunsWithEveryKindOfVariable() throws {
    let folder = try site(
      """
      name: kinds
      crs: EPSG:31985
      layers:
        tracts:
          path: olinda_tracts.gpkg
          crs: EPSG:4674
          role: units
          variables:
            V014: {kind: extensive}
            ID: {kind: intensive}
            TIPO: {kind: categorical}
        elevation:
          path: olinda_dem_utm25s.tif
          crs: EPSG:31985
          role: raster
          variables:
            elevation: {kind: continuous, band: 1}
        stations:
          path: stations.geojson
          role: points
      scales:
        - {name: grid500, grid: 500}
        - {name: tracts, units: tracts}
        - {name: districts, dissolve: tracts, by: NM_BAIR}
      analyses:
        densities: true
        zonal: [elevation]
        points: [stations]

      """)
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("out")
    let result = try Territory.runArray([
      "analyze", "--no-web", folder.path, "-o", output.path, "--quiet",
    ])
    #expect(result.status == 0, "\(result.error)")
    for scale in ["grid500", "tracts", "districts"] {
      let data = try Data(contentsOf: output.appendingPathComponent("\(scale).geojson"))
      let json = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
      let features = try #require(json["features"] as? [[String: Any]])
      let properties = try #require(features.first?["properties"] as? [String: Any])
      for key in ["V014", "ID", "V014_density", "stations_count"] {
        #expect(properties[key] != nil, "\(scale) has \(key)")
      }
      #expect(
        properties.keys.contains { $0.hasPrefix("TIPO_") }, "\(scale) has the category shares")
      #expect(properties.keys.contains { $0.hasPrefix("elevation") }, "\(scale) has the zonal mean")
    }
  }

  @Test func failedAnalysisLeavesThePreviousOutputIntact() throws {
    let folder = try site(Self.base)
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    try Data("previous".utf8).write(to: output.appendingPathComponent("report.md"))
    // Usable manifest, but the footprint names a field the tracts do not have: fails midway.
    try Data((Self.base + "analyses:\n  footprint: {layer: tracts, where: KIND = X}\n").utf8)
      .write(to: folder.appendingPathComponent("site.yaml"))
    let result = try Territory.runArray([
      "analyze", "--no-web", folder.path, "-o", output.path, "--overwrite", "--quiet",
    ])
    #expect(result.status == 1)
    #expect(result.error.contains("KIND"))
    #expect(Territory.contents(of: output) == ["report.md"])
    #expect(
      try String(contentsOf: output.appendingPathComponent("report.md"), encoding: .utf8)
        == "previous")
    #expect(Territory.contents(of: folder).allSatisfy { !$0.hasPrefix(".") })
  }

  @Test func initWritesAManifestThatChecks() throws {
    let folder = try site("")
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.removeItem(at: folder.appendingPathComponent("site.yaml"))
    let result = try Territory.runArray([
      "site", "init", folder.path, "--crs", "EPSG:31985", "--from",
      folder.appendingPathComponent("olinda_tracts.gpkg").path,
      "--from", folder.appendingPathComponent("stations.geojson").path,
    ])
    #expect(result.status == 0, "\(result.error)")
    let text = try String(contentsOf: folder.appendingPathComponent("site.yaml"), encoding: .utf8)
    #expect(
      text.contains("role: units") && text.contains("V014: {kind: extensive}")
        && text.contains("guessed"))
    #expect(text.contains("crs: EPSG:????"))  // the tracts' CRS has no code: the team must say
    let again = try Territory.runArray(["site", "init", folder.path, "--crs", "EPSG:31985"])
    #expect(again.status == 1 && again.error.contains("--overwrite"))
  }
}
