import Foundation
import GDALKit
import Testing

@Suite("territory interpolate and territory grid")
struct InterpolateCommandTests {
  static let base = ["--source-crs", "EPSG:4674", "--to-crs", "EPSG:31985"]

  /// Σ V014 over the cells of a CSV output.
  func total(_ path: String, column: String = "V014") throws -> Double {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    let header = lines[0].split(separator: ",").map(String.init)
    let index = try #require(header.firstIndex(of: column))
    return lines.dropFirst().reduce(0) {
      $0 + (Double($1.split(separator: ",", omittingEmptySubsequences: false)[index]) ?? 0)
    }
  }

  @Test("the 377,779 residents are kept at every grid size", arguments: ["500", "100", "50", "20"])
  func totalsPreserved(cell: String) throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("grid.csv").path
    let result = try Territory.runArray(
      ["interpolate", Territory.tracts] + Self.base + [
        "--grid", cell, "--extensive", "V014", "-o", output,
      ])
    #expect(result.status == 0, "\(result.error)")
    #expect(
      result.output.contains(
        "V014: in 377779.000000, out 377779.000000, outside every target 0.000000 (balanced)"))
    #expect(abs(try total(output) - 377_779) < 1e-6)
    let meta = try Data(contentsOf: URL(fileURLWithPath: output + ".meta.json"))
    let json = try #require(JSONSerialization.jsonObject(with: meta) as? [String: Any])
    #expect(json["rule"] as? String == "covered-area share")
    #expect(Territory.contents(of: folder) == ["grid.csv", "grid.csv.meta.json", "grid.csvt"])
  }

  @Test func hexagonsAndGeoPackage() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("hex.gpkg").path
    let result = try Territory.runArray(
      ["interpolate", Territory.tracts] + Self.base
        + [
          "--grid", "250", "--shape", "hex", "--extensive", "V014", "--categorical", "TIPO", "-o",
          output,
        ])
    #expect(result.status == 0, "\(result.error)")
    let layer = try VectorDataset(path: output).layer(at: 0)
    #expect(
      layer.fields.map(\.name) == [
        "col", "row", "x", "y", "covered_area", "V014", "TIPO_RURAL", "TIPO_URBANO",
      ])
    #expect(layer.crs?.epsgCode == 31985)
    var sum = 0.0
    try layer.forEachFeature { feature in
      sum += feature.attributes[5].doubleValue ?? 0
      // Each hexagon of 250 m has area (√3/2)·250².
      #expect(abs((feature.geometry?.area ?? 0) - 3.0.squareRoot() / 2 * 62_500) < 1e-6)
    }
    #expect(abs(sum - 377_779) < 1e-6)
  }

  @Test func ontoNeighbourhoodsInAnotherCRS() throws {
    // Targets: the tracts themselves, kept in their own CRS (reprojected on the fly).
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("onto.gpkg").path
    let result = try Territory.runArray(
      ["interpolate", Territory.tracts] + Self.base
        + ["--target", Territory.tracts, "--extensive", "V014", "-o", output])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.output.contains("targets reprojected from"))
    let layer = try VectorDataset(path: output).layer(at: 0)
    #expect(layer.featureCount() == 470)
    // Each tract gets back its own count: the target's V014 and the interpolated V014_i agree.
    try layer.forEachFeature { feature in
      let names = layer.fields.map(\.name)
      let own = feature.attributes[names.firstIndex(of: "V014")!].doubleValue ?? -1
      let back = feature.attributes[names.firstIndex(of: "V014_i")!].doubleValue ?? -1
      #expect(abs(own - back) <= 1e-6 * max(1, own))
    }
  }

  @Test func gridOverABoxWithInspireIdentifiers() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("inspire.csv").path
    let result = try Territory.runArray([
      "grid", "--bbox", "3760000,2890000,3763000,2892000", "--crs", "EPSG:3035", "--cell", "1000",
      "-o", output,
    ])
    #expect(result.status == 0, "\(result.error)")
    let text = try String(contentsOfFile: output, encoding: .utf8)
    #expect(text.split(separator: "\n").count == 7)  // header + 3 x 2 cells
    #expect(text.contains("CRS3035RES1000mN2890000E3760000"))
    #expect(text.contains("CRS3035RES1000mN2891000E3762000"))
  }

  @Test func gridOnlyWhereDataNestsAcrossSizes() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    func cells(_ size: String) throws -> Int {
      let output = folder.appendingPathComponent("g\(size).csv").path
      let result = try Territory.runArray([
        "grid", "--extent-of", Territory.tracts, "--only-where-data", "--crs", "EPSG:31985",
        "--cell", size,
        "-o", output,
      ])
      #expect(result.status == 0, "\(result.error)")
      return try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").count - 1
    }
    let coarse = try cells("1000")
    let fine = try cells("200")
    #expect(coarse > 30 && fine > coarse * 10 && fine <= coarse * 25)
  }
}

@Suite("Bad input to interpolate and grid")
struct InterpolateBadInputTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    let arguments: [String]
    let mentions: [String]
    var status: Int32 = 1
    var testDescription: String { name }
  }

  static let base = [
    "interpolate", "{tracts}", "--source-crs", "EPSG:4674", "--to-crs", "EPSG:31985",
  ]
  static let cases: [Case] = [
    Case(
      name: "field that does not exist",
      arguments: base + ["--grid", "100", "--extensive", "POP", "-o", "{dir}/o.csv"],
      mentions: ["POP", "V014", "NM_BAIR"]),
    Case(
      name: "text field declared extensive",
      arguments: base + ["--grid", "100", "--extensive", "NM_BAIR", "-o", "{dir}/o.csv"],
      mentions: ["NM_BAIR", "String", "numbers"]),
    Case(
      name: "cell size zero",
      arguments: base + ["--grid", "0", "--extensive", "V014", "-o", "{dir}/o.csv"],
      mentions: ["cell size", "positive"]),
    Case(
      name: "too many cells",
      arguments: base + [
        "--grid", "1", "--max-cells", "1000000", "--extensive", "V014", "-o", "{dir}/o.csv",
      ],
      mentions: ["cells", "1000000", "--max-cells"]),
    Case(
      name: "geographic working CRS",
      arguments: [
        "interpolate", "{tracts}", "--to-crs", "EPSG:4326", "--grid", "100", "--extensive", "V014",
        "-o", "{dir}/o.csv",
      ],
      mentions: ["EPSG:4326", "projected"]),
    Case(
      name: "no variable", arguments: base + ["--grid", "100", "-o", "{dir}/o.csv"],
      mentions: ["--extensive"]),
    Case(
      name: "empty source",
      arguments: [
        "interpolate", "{dir}/empty.geojson", "--to-crs", "EPSG:31985", "--grid", "100",
        "--extensive", "n", "-o", "{dir}/o.csv",
      ],
      mentions: ["empty.geojson"]),
    Case(
      name: "invalid geometries without --make-valid",
      arguments: [
        "interpolate", "{dir}/bowtie.geojson", "--to-crs", "EPSG:31985", "--grid", "100",
        "--extensive", "n", "-o", "{dir}/o.csv",
      ],
      mentions: ["1 invalid geometry", "first ids: 9", "--make-valid"]),
    Case(
      name: "target without CRS",
      arguments: base + [
        "--target", "{dir}/zones.csv", "--extensive", "V014", "-o", "{dir}/o.csv",
      ],
      mentions: ["zones.csv", "no CRS"]),
    Case(
      name: "grid and target together",
      arguments: base + [
        "--grid", "100", "--target", "{tracts}", "--extensive", "V014", "-o", "{dir}/o.csv",
      ],
      mentions: ["--grid", "--target"], status: 64),
    Case(
      name: "grid with too many cells",
      arguments: [
        "grid", "--bbox", "0,0,100000,100000", "--crs", "EPSG:2154", "--cell", "1", "-o",
        "{dir}/g.gpkg",
      ],
      mentions: ["10000000000", "cells"]),
    Case(
      name: "bad bbox",
      arguments: [
        "grid", "--bbox", "5,5,1,1", "--crs", "EPSG:2154", "--cell", "1", "-o", "{dir}/g.gpkg",
      ],
      mentions: ["--bbox"]),
  ]

  @Test(arguments: cases)
  func refused(_ testCase: Case) throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let files = [
      "empty.geojson": #"{"type":"FeatureCollection","features":[]}"#,
      "bowtie.geojson":
        #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::31985"}},"features":[{"type":"Feature","id":9,"properties":{"n":5},"geometry":{"type":"Polygon","coordinates":[[[0,0],[200,200],[200,0],[0,200],[0,0]]]}}]}"#,
      "zones.csv": "WKT,name\n\"POLYGON ((0 0, 1 0, 1 1, 0 0))\",a\n",
    ]
    for (name, content) in files {
      try Data(content.utf8).write(to: folder.appendingPathComponent(name))
    }
    let before = Territory.contents(of: folder)
    let arguments = testCase.arguments.map {
      $0.replacingOccurrences(of: "{dir}", with: folder.path).replacingOccurrences(
        of: "{tracts}", with: Territory.tracts)
    }
    let result = try Territory.runArray(arguments)
    #expect(result.status == testCase.status)
    let first = result.error.split(separator: "\n").first.map(String.init) ?? ""
    #expect(first.hasPrefix("error: "), "\(result.error)")
    for word in testCase.mentions { #expect(first.contains(word), "\(word) in \(first)") }
    #expect(Territory.contents(of: folder) == before)
  }
}
