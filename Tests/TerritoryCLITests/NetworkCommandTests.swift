import Foundation
import GDALKit
import TestFixtures
import Testing

/// `territory network` and `territory reach` refusing what they cannot use:
/// one error line naming the file, profile, points or value; nothing written.
@Suite("network and reach: bad input")
struct NetworkCommandTests {
  /// An OSM file of a 3 × 3 lattice of ways tagged `highway` (`residential`
  /// unless told), 0.001° apart near (0, 0).
  static func lattice(highway: String = "residential") -> String {
    var xml = "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>\n"
    for j in 0..<3 {
      for k in 0..<3 {
        xml +=
          "<node id='\(1 + j * 3 + k)' lat='\(Double(j) * 0.001)' lon='\(Double(k) * 0.001)'/>\n"
      }
    }
    for j in 0..<3 {
      xml += "<way id='\(100 + j)'>"
      for k in 0..<3 { xml += "<nd ref='\(1 + j * 3 + k)'/>" }
      xml += "<tag k='highway' v='\(highway)'/></way>\n"
      xml += "<way id='\(200 + j)'>"
      for k in 0..<3 { xml += "<nd ref='\(1 + k * 3 + j)'/>" }
      xml += "<tag k='highway' v='\(highway)'/></way>\n"
    }
    return xml + "</osm>\n"
  }

  /// Points as GeoJSON, each `(id, lon, lat)`.
  static func points(_ points: [(String, Double, Double)]) -> String {
    let features = points.map { id, lon, lat in
      "{\"type\":\"Feature\",\"properties\":{\"id\":\"\(id)\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(lon),\(lat)]}}"
    }
    return "{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}"
  }

  @Test func networkRefusesFilesWithoutUsableWays() throws {
    // Only a railway: no way for walking.
    let rail = Self.lattice().replacingOccurrences(
      of: "k='highway' v='residential'", with: "k='railway' v='rail'")
    try Territory.expectRefused(
      ["network", "{dir}/rail.osm", "--profile", "walk", "-o", "{dir}/net.gpkg"],
      files: ["rail.osm": rail], mentions: ["rail.osm", "walk profile"], status: 1)
    // Footways only: nothing a car may use.
    try Territory.expectRefused(
      ["network", "{dir}/paths.osm", "--profile", "car", "-o", "{dir}/net.gpkg"],
      files: ["paths.osm": Self.lattice(highway: "footway")],
      mentions: ["paths.osm", "car profile"],
      status: 1)
  }

  @Test func networkRefusesDamagedFiles() throws {
    try Territory.expectRefused(
      ["network", "{dir}/cut.osm", "--profile", "walk", "-o", "{dir}/net.gpkg"],
      files: ["cut.osm": String(Self.lattice().prefix(300))], mentions: ["cut.osm"], status: 1)
    try Territory.expectRefused(
      ["network", "{dir}/noise.osm.pbf", "--profile", "walk", "-o", "{dir}/net.gpkg"],
      files: ["noise.osm.pbf": String(repeating: "not a protocol buffer ", count: 50)],
      mentions: ["noise.osm.pbf"], status: 1)
  }

  @Test func networkRefusesATruncatedExtract() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let whole = try Data(
      contentsOf: Fixtures.root.appendingPathComponent("Data/sites/helsinki/helsinki.osm.pbf"))
    let cut = folder.appendingPathComponent("cut.osm.pbf")
    try whole.prefix(whole.count / 2).write(to: cut)
    let result = try Territory.run(
      "network", cut.path, "--profile", "walk", "-o", folder.appendingPathComponent("net.gpkg").path
    )
    #expect(result.status == 1)
    let lines = result.error.split(separator: "\n")
    #expect(lines.count == 1 && lines[0].hasPrefix("error: ") && lines[0].contains("cut.osm.pbf"))
    #expect(Territory.contents(of: folder) == ["cut.osm.pbf"], "nothing written")
  }

  @Test func reachRefusesPointsOffTheNetworkBadMinutesAndOtherFiles() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let osm = folder.appendingPathComponent("lattice.osm")
    try Data(Self.lattice().utf8).write(to: osm)
    let network = folder.appendingPathComponent("net.gpkg").path
    let built = try Territory.run("network", osm.path, "--profile", "walk", "-o", network)
    #expect(built.status == 0, "\(built.error)")
    let near = Self.points([("near", 0.001, 0.001)])
    // 0.01° (about 1.1 km) and 1° away: listed by id, not snapped across.
    let far = Self.points([("near", 0.001, 0.001), ("river", 0.012, 0.001), ("sea", 1, 1)])
    try Territory.expectRefused(
      ["reach", "{dir}/far.geojson", "--network", network, "--minutes", "5", "-o", "{dir}/a.gpkg"],
      files: ["far.geojson": far], mentions: ["2 points", "far.geojson", "500 m", "river, sea"],
      status: 1)
    try Territory.expectRefused(
      [
        "reach", "{dir}/far.geojson", "--network", network, "--grid", "50", "--max-snap", "2000",
        "-o", "{dir}/t.gpkg",
      ], files: ["far.geojson": far], mentions: ["1 point", "2000 m", "sea"], status: 1)
    for minutes in ["0", "-5", "nan", "300", "5,ten"] {
      try Territory.expectRefused(
        [
          "reach", "{dir}/near.geojson", "--network", network, "--minutes=\(minutes)", "-o",
          "{dir}/a.gpkg",
        ], files: ["near.geojson": near], mentions: ["minutes", "240"], status: 64)
    }
    // A file that is not a network.
    try Territory.expectRefused(
      [
        "reach", "{dir}/near.geojson", "--network", "{dir}/near.geojson", "--grid", "50", "-o",
        "{dir}/t.gpkg",
      ],
      files: ["near.geojson": near], mentions: ["near.geojson", "not a street network"],
      status: 1)
    // An existing output is kept without --overwrite.
    try Territory.expectRefused(
      ["reach", "{dir}/near.geojson", "--network", network, "--grid", "50", "-o", "{dir}/t.gpkg"],
      files: ["near.geojson": near, "t.gpkg": "the team's file"],
      mentions: ["t.gpkg", "--overwrite"],
      status: 1)
  }
}

/// `territory analyze` on a site with a street network: the minutes to the
/// nearest station at every scale, in the GeoPackage, the maps and the web map.
@Suite("analyze with a street network")
struct AnalyzeNetworkTests {
  @Test func theTravelTimeIndicatorIsEverywhere() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    // The three railway and metro stations only, to keep the run short.
    try Fixtures.helsinkiWithThreeStations(in: folder)
    let output = folder.appendingPathComponent("out")
    let run = try Territory.run("analyze", folder.path, "-o", output.path)
    #expect(run.status == 0, "\(run.error)")
    #expect((run.output + run.error).contains("catchments: 9 areas along the streets"))
    let scales = ["grid50", "grid100", "grid250", "hex250", "buildings", "centre"]
    let gpkg = try VectorDataset(path: output.appendingPathComponent("analysis.gpkg").path)
    for scale in scales {
      let layer = try gpkg.layer(named: scale)
      let column = try #require(
        layer.fields.firstIndex { $0.name == "stations_minutes" }, "\(scale)")
      var values: [Double] = []
      try layer.forEachFeature { feature in
        if let value = feature.attributes[column].doubleValue { values.append(value) }
      }
      #expect(
        !values.isEmpty && values.allSatisfy { $0 > 0 && $0 < 60 }, "\(scale): \(values.prefix(5))")
      #expect(
        FileManager.default.fileExists(
          atPath: output.appendingPathComponent("maps/stations_minutes_\(scale).png").path))
    }
    let catchments = try gpkg.layer(named: "catchments")
    #expect(catchments.fields.prefix(3).map(\.name) == ["point", "minutes", "network_m"])
    let report = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: output.appendingPathComponent("report.json"))) as? [String: Any])
    #expect(String(describing: report).contains("stations_minutes"))
    // The legend prints minutes; the web map offers the indicator with the same classes.
    let site = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: output.appendingPathComponent("web/site.json"))) as? [String: Any])
    let indicators = try #require(site["indicators"] as? [[String: Any]])
    let minutes = try #require(indicators.first { $0["name"] as? String == "stations_minutes" })
    let title = (minutes["label"] as? [String: String])?["en"] ?? String(describing: minutes)
    #expect(title.contains("minutes' walk"), "\(title)")
    let lock = try String(
      contentsOf: output.appendingPathComponent("manifest.lock.json"), encoding: .utf8)
    #expect(lock.contains("\"profile\" : \"walk\"") && lock.contains("\"network\" : \"streets\""))
  }
}
