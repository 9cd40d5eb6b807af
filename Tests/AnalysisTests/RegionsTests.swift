import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@testable import Analysis

/// Regions drawn from the data: contiguous, each at the floor, every unit in
/// exactly one; exact on hand-made lattices, checked on Olinda's real tracts.
@Suite("Regions")
struct RegionsTests {
  static let utm = try! CRS("EPSG:32631")

  /// Squares of 100 m, `columns` x `rows`, with `pop` 1 and `v` from `value`,
  /// plus squares far away (islands).
  static func lattice(
    columns: Int, rows: Int, islands: [(Double, Double)] = [], value: (Int, Int) -> Double,
    in folder: URL
  ) throws -> String {
    var features: [String] = []
    func square(_ x: Double, _ y: Double, _ v: Double) -> String {
      #"{"type":"Feature","properties":{"pop":1,"v":\#(v),"name":"u"},"geometry":{"type":"Polygon","coordinates":[[[\#(x),\#(y)],[\#(x + 100),\#(y)],[\#(x + 100),\#(y + 100)],[\#(x),\#(y + 100)],[\#(x),\#(y)]]]}}"#
    }
    for row in 0..<rows {
      for column in 0..<columns {
        features.append(
          square(500_000 + Double(column) * 100, 5_000_000 + Double(row) * 100, value(column, row)))
      }
    }
    for (x, y) in islands { features.append(square(x, y, 0)) }
    return try Fixtures.write(
      #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}",
      to: "lattice.geojson", in: folder)
  }

  func job(_ path: String, floor: Double, output: String) -> RegionsJob {
    var request = SourceRequest(path: path)
    request.sourceCRS = Self.utm
    var job = RegionsJob(
      units: request, workingCRS: Self.utm, floorField: "pop", floorValue: floor, output: output)
    job.by = ["v"]
    return job
  }

  /// Every region is one piece of the rook graph, holds the floor, and every unit is in one.
  func expectValid(_ labels: [Int], graph: ContiguityGraph, floors: [Double], floor: Double) {
    let regions = Set(labels)
    #expect(regions == Set(0..<regions.count))
    for region in regions {
      let members = labels.indices.filter { labels[$0] == region }
      #expect(members.reduce(0) { $0 + floors[$1] } >= floor)
      var seen: Set<Int> = [members[0]]
      var stack = [members[0]]
      while let next = stack.popLast() {
        for other in graph.neighbours[next] where labels[other] == region && !seen.contains(other) {
          seen.insert(other)
          stack.append(other)
        }
      }
      #expect(seen.count == members.count, "region \(region) is in pieces")
    }
  }

  /// A 4 x 4 lattice whose quadrants hold 0, 10, 20 and 30: with a floor of 4
  /// units, max-p finds the four quadrants (SSD 0), and so does SKATER with K = 4.
  @Test(arguments: [RegionsJob.Method.maxp, .skater, .azp])
  func quadrantsAreFound(method: RegionsJob.Method) throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try Self.lattice(
      columns: 4, rows: 4, value: { c, r in Double((c / 2) * 10 + (r / 2) * 20) }, in: folder)
    var job = job(path, floor: 4, output: folder.appendingPathComponent("r.gpkg").path)
    job.method = method
    job.regions = method == .maxp ? nil : 4
    job.iterations = 200
    let summary = try job.run()
    #expect(summary.regions == 4)
    if method != .azp {
      #expect(summary.objective < 1e-9, "\(summary.objective)")
    }
    let graph = try ContiguityGraph(
      (0..<16).map { index in
        let (x, y) = (500_000 + Double(index % 4) * 100, 5_000_000 + Double(index / 4) * 100)
        return PolygonalShape(
          polygons: [
            [
              [
                SIMD2(x, y), SIMD2(x + 100, y), SIMD2(x + 100, y + 100), SIMD2(x, y + 100),
                SIMD2(x, y),
              ]
            ]
          ],
          isMulti: false)
      }, rule: .rook)
    expectValid(summary.labels, graph: graph, floors: [Double](repeating: 1, count: 16), floor: 4)
    let regions = try LayerSource(path: job.output, layer: "regions").open()
    #expect(regions.layer.featureCount(force: true) == 4)
  }

  @Test func rookAndQueenDifferAtCorners() throws {
    func square(_ x: Double, _ y: Double) -> PolygonalShape {
      PolygonalShape(
        polygons: [
          [[SIMD2(x, y), SIMD2(x + 1, y), SIMD2(x + 1, y + 1), SIMD2(x, y + 1), SIMD2(x, y)]]
        ],
        isMulti: false)
    }
    // Three squares: 0 and 1 share an edge, 1 and 2 only a corner.
    let shapes = [square(0, 0), square(1, 0), square(2, 1)]
    let queen = try ContiguityGraph(shapes, rule: .queen)
    #expect(queen.neighbours == [[1], [0, 2], [1]] && queen.joins.isEmpty)
    // Under rook, 2 is an island, joined to its nearest unit (1, at distance 0).
    let rook = try ContiguityGraph(shapes, rule: .rook)
    #expect(rook.neighbours == [[1], [0, 2], [1]])
    #expect(rook.joins.count == 1 && rook.joins[0].island == 2 && rook.joins[0].nearest == 1)
  }

  @Test func islandsJoinTheirNearestUnitAndTheOutputSaysSo() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try Self.lattice(
      columns: 3, rows: 3, islands: [(501_000, 5_000_000)], value: { c, _ in Double(c) },
      in: folder)
    let summary = try job(path, floor: 3, output: folder.appendingPathComponent("r.gpkg").path)
      .run()
    #expect(summary.joins.count == 1)
    #expect(summary.joins[0].contains("an island") && summary.joins[0].contains("700 m away"))
    #expect(summary.labels.count == 10)
  }

  /// Olinda's 470 tracts, at least 10,000 residents per region: contiguous,
  /// at the floor, every tract once, and the same regions for the same seed.
  @Test func olindaTractsAtAFloor() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    var request = SourceRequest(path: Fixtures.tracts)
    request.sourceCRS = try CRS("EPSG:4674")
    let working = try CRS("EPSG:31985")
    func run(_ name: String, seed: UInt64) throws -> RegionsJob.Summary {
      var job = RegionsJob(
        units: request, workingCRS: working, floorField: "V014", floorValue: 10_000,
        output: folder.appendingPathComponent(name).path)
      job.by = ["V014"]
      job.seed = seed
      return try job.run()
    }
    let first = try run("a.gpkg", seed: 7)
    let again = try run("b.gpkg", seed: 7)
    #expect(first.labels == again.labels)
    // 377,779 residents: at most 37 regions of 10,000.
    #expect(first.regions >= 25 && first.regions <= 37, "\(first.regions)")
    var loaded = request
    loaded.extensive = ["V014"]
    let (units, _) = try SourceLoader.load(loaded, workingCRS: working)
    let graph = try ContiguityGraph(units.map(\.shape), rule: .rook)
    expectValid(
      first.labels, graph: graph, floors: units.map { $0.extensive[0] ?? 0 }, floor: 10_000)
  }

  /// Random zonings of Olinda's tracts into 32 zones: every tract in one of
  /// exactly 32 zones, each zone in one piece.
  @Test func randomZoningsAreContiguous() throws {
    var request = SourceRequest(path: Fixtures.tracts)
    request.sourceCRS = try CRS("EPSG:4674")
    request.extensive = ["V014"]
    let (units, _) = try SourceLoader.load(request, workingCRS: try CRS("EPSG:31985"))
    let graph = try ContiguityGraph(units.map(\.shape), rule: .queen)
    let builder = Regionalization(
      neighbours: graph.neighbours, floorValues: [Double](repeating: 0, count: units.count),
      floor: 0, attributes: units.map { _ in [] })
    var generator = SeededGenerator(seed: 3)
    for _ in 0..<5 {
      let labels = builder.randomZoning(regions: 32, generator: &generator)
      #expect(Set(labels) == Set(0..<32))
      expectValid(
        labels, graph: graph, floors: [Double](repeating: 0, count: units.count), floor: 0)
    }
  }

  @Test func impossibleRequestsAreRefused() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try Self.lattice(columns: 2, rows: 2, value: { _, _ in 1 }, in: folder)
    let output = folder.appendingPathComponent("r.gpkg").path
    #expect(
      throws: AnalysisError.regions(
        problem: "no region can reach pop = 5.0: all 4 units together hold 4.0; lower --min")
    ) { try job(path, floor: 5, output: output).run() }
    var tooMany = job(path, floor: 1, output: output)
    tooMany.method = .skater
    tooMany.regions = 5
    #expect(
      throws: AnalysisError.regions(
        problem: "--regions 5 must be between 1 and the number of units, 4")
    ) { try tooMany.run() }
    var text = job(path, floor: 1, output: output)
    text.by = ["name"]
    #expect(throws: AnalysisError.self) { try text.run() }
    #expect(!FileManager.default.fileExists(atPath: output))
  }
}
