import Foundation
import GEOSKit
import GeoCore
import Testing

@testable import Analysis

/// Hand-computed cases of areal interpolation.
@Suite("Areal interpolation by hand")
struct InterpolationTests {
  func unit(
    _ wkt: String, extensive: [Double?] = [], intensive: [Double?] = [], categories: [String?] = []
  ) throws -> SourceUnit {
    let geometry = try Geometry(wkt: wkt)
    return SourceUnit(
      id: 0, polygons: geometry.polygonRings().map(PolygonRings.init(rings:)),
      shape: geometry.polygonalShape,
      extensive: extensive, intensive: intensive, categories: categories)
  }

  func run(
    _ sources: [SourceUnit], _ targets: InterpolationTargets, extensive: [String] = [],
    intensive: [String] = [], categorical: [String] = [], threads: Int = 2
  ) throws -> InterpolationResult {
    try ArealInterpolation.interpolate(
      sources, onto: targets, extensiveNames: extensive, intensiveNames: intensive,
      categoricalNames: categorical, threads: threads)
  }

  func cell(_ result: InterpolationResult, _ column: Int, _ row: Int) -> TargetValues? {
    result.targets.first { $0.key == TargetKey(column: column, row: row) }
  }

  @Test func unitSquareSplitOverFourCells() throws {
    let source = try unit(
      "POLYGON ((-0.5 -0.5, 0.5 -0.5, 0.5 0.5, -0.5 0.5, -0.5 -0.5))", extensive: [100])
    let result = try run([source], .squareGrid(SquareGrid(cellSize: 1)), extensive: ["people"])
    let expectedKeys: [TargetKey] = [
      TargetKey(column: -1, row: -1), TargetKey(column: 0, row: -1),
      TargetKey(column: -1, row: 0), TargetKey(column: 0, row: 0),
    ]
    #expect(result.targets.map(\.key) == expectedKeys)
    #expect(result.targets.map(\.extensive) == [[25], [25], [25], [25]])
    #expect(result.targets.map(\.coveredArea) == [0.25, 0.25, 0.25, 0.25])
    #expect(
      result.balances == [MassBalance(variable: "people", totalIn: 100, totalOut: 100, outside: 0)])
  }

  @Test func twoSourcesShareACell() throws {
    let a = try unit("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))", extensive: [10], intensive: [1])
    let b = try unit("POLYGON ((1 0, 2 0, 2 1, 1 1, 1 0))", extensive: [20], intensive: [3])
    let result = try run(
      [a, b], .squareGrid(SquareGrid(cellSize: 2)), extensive: ["n"], intensive: ["rate"])
    #expect(result.targets.count == 1)
    let only = try #require(result.targets.first)
    #expect(only.extensive == [30])
    #expect(only.intensive == [2])  // equal areas: the plain mean of 1 and 3
    #expect(only.coveredArea == 2)
  }

  @Test func sourceWithAHole() throws {
    // 4 x 4 with a 2 x 2 hole: area 12; cells of 2 each hold 3 of it.
    let source = try unit(
      "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 3, 3 3, 3 1, 1 1))", extensive: [120])
    let result = try run([source], .squareGrid(SquareGrid(cellSize: 2)), extensive: ["n"])
    #expect(result.targets.map(\.extensive) == [[30], [30], [30], [30]])
    #expect(result.targets.map(\.coveredArea) == [3, 3, 3, 3])
  }

  @Test func intensiveRateOverHalfCoveredCells() throws {
    // A 1 x 2 strip with rate 5 in cells of 2: each cell is half covered; the
    // rate is the mean over the covered part, 5, not diluted to 2.5.
    let source = try unit("POLYGON ((0 0, 1 0, 1 4, 0 4, 0 0))", extensive: [40], intensive: [5])
    let result = try run(
      [source], .squareGrid(SquareGrid(cellSize: 2)), extensive: ["n"], intensive: ["rate"])
    #expect(result.targets.count == 2)
    for target in result.targets {
      #expect(target.coveredArea == 2)
      #expect(target.intensive == [5])
      #expect(target.extensive == [20])
    }
  }

  @Test func missingValuesAreLeftOut() throws {
    let a = try unit("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))", extensive: [nil], intensive: [nil])
    let b = try unit("POLYGON ((1 0, 2 0, 2 1, 1 1, 1 0))", extensive: [6], intensive: [4])
    let result = try run(
      [a, b], .squareGrid(SquareGrid(cellSize: 2)), extensive: ["n"], intensive: ["r"])
    #expect(result.targets[0].extensive == [6])
    #expect(result.targets[0].intensive == [4])
    #expect(result.balances[0].totalIn == 6)
  }

  @Test func categoriesAsSharesOfCoveredArea() throws {
    let a = try unit("POLYGON ((0 0, 3 0, 3 1, 0 1, 0 0))", categories: ["urban"])
    let b = try unit("POLYGON ((3 0, 4 0, 4 1, 3 1, 3 0))", categories: ["rural"])
    let result = try run([a, b], .squareGrid(SquareGrid(cellSize: 4)), categorical: ["type"])
    #expect(result.targets[0].categoryShares == [["urban": 0.75, "rural": 0.25]])
    #expect(result.categorical.map(\.categories) == [["rural", "urban"]])
  }

  @Test func overlappingTargetsSplitBySourceArea() throws {
    // A 4 x 1 source holding 8; catchments [0,2] and [1,3] overlap on [1,2] and
    // leave [3,4] uncovered: each gets 8·2/4 = 4, and a quarter (2) falls outside.
    let source = try unit("POLYGON ((0 0, 4 0, 4 1, 0 1, 0 0))", extensive: [8])
    let targets = try [
      "POLYGON ((0 0, 2 0, 2 1, 0 1, 0 0))", "POLYGON ((1 0, 3 0, 3 1, 1 1, 1 0))",
    ]
    .map { try Geometry(wkt: $0).polygonalShape }
    let result = try run([source], .polygons(targets), extensive: ["n"])
    #expect(result.rule == .sourceAreaShare)
    #expect(result.targets.map(\.extensive) == [[4], [4]])
    #expect(result.balances[0].outside == 2)
  }

  @Test func touchingTargetsAreNotOverlapping() throws {
    let source = try unit("POLYGON ((0 0, 4 0, 4 1, 0 1, 0 0))", extensive: [8])
    let targets = try [
      "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))", "POLYGON ((1 0, 3 0, 3 1, 1 1, 1 0))",
      "POLYGON ((9 9, 10 9, 10 10, 9 9))",
    ]
    .map { try Geometry(wkt: $0).polygonalShape }
    let result = try run([source], .polygons(targets), extensive: ["n"])
    #expect(result.rule == .coveredAreaShare)
    // The whole 8 goes to the 3 units that targets cover: 1 unit in the first, 2 in the second.
    let expected: [[Double]] = [[8.0 / 3], [16.0 / 3], [0]]
    #expect(result.targets.map(\.extensive) == expected)
    #expect(result.balances[0].isBalanced && result.balances[0].outside == 0)
    #expect(result.targets[2].intensive.isEmpty && result.targets[2].coveredArea == 0)
  }

  @Test func digitisingSliversAreNotOverlaps() throws {
    // Two units that overlap by a sliver of 1e-7 m² (a digitising error), not catchments.
    let source = try unit("POLYGON ((0 0, 4 0, 4 1, 0 1, 0 0))", extensive: [8])
    let targets = try [
      "POLYGON ((0 0, 2.0000001 0, 2.0000001 1, 0 1, 0 0))", "POLYGON ((2 0, 4 0, 4 1, 2 1, 2 0))",
    ].map { try Geometry(wkt: $0).polygonalShape }
    let result = try run([source], .polygons(targets), extensive: ["n"])
    #expect(result.rule == .coveredAreaShare)
    #expect(abs(result.balances[0].totalOut - 8) < 1e-12)
  }

  @Test func aTargetWithoutGeometryKeepsItsRowAndGetsNothing() throws {
    // A zones layer with a feature that has no geometry: its row is produced,
    // empty, and the whole 6 goes to the other target.
    let source = try unit("POLYGON ((0 0, 2 0, 2 1, 0 1, 0 0))", extensive: [6])
    let target = try Geometry(wkt: "POLYGON ((0 0, 3 0, 3 3, 0 3, 0 0))").polygonalShape
    let result = try run([source], .polygons([nil, target]), extensive: ["n"])
    #expect(result.targets.map(\.key.row) == [0, 1])
    #expect(result.targets.map(\.extensive) == [[0], [6]])
    #expect(result.targets[0].coveredArea == 0)
  }

  @Test func sourcesOutsideEveryTargetAreReported() throws {
    let inside = try unit("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))", extensive: [5])
    let away = try unit("POLYGON ((50 50, 51 50, 51 51, 50 51, 50 50))", extensive: [7])
    let target = try Geometry(wkt: "POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))").polygonalShape
    let result = try run([inside, away], .polygons([target]), extensive: ["n"])
    #expect(result.balances[0] == MassBalance(variable: "n", totalIn: 12, totalOut: 5, outside: 7))
    #expect(result.balances[0].isBalanced)
  }

  @Test func hexagonsKeepTheTotal() throws {
    let source = try unit(
      "POLYGON ((3 2, 53 2, 53 41, 3 41, 3 2))", extensive: [1000], intensive: [2.5])
    let result = try run(
      [source], .hexGrid(HexGrid(spacing: 7)), extensive: ["n"], intensive: ["r"])
    let total = result.targets.reduce(0) { $0 + $1.extensive[0] }
    #expect(abs(total - 1000) < 1e-9)
    #expect(result.targets.allSatisfy { abs(($0.intensive[0] ?? 0) - 2.5) < 1e-12 })
  }

  @Test func sameResultsOnOneAndTwoThreads() throws {
    var sources: [SourceUnit] = []
    for index in 0..<60 {
      let x = Double(index % 10) * 3.3
      let y = Double(index / 10) * 2.7
      sources.append(
        try unit(
          "POLYGON ((\(x) \(y), \(x + 3.3) \(y + 0.2), \(x + 3.1) \(y + 2.7), \(x) \(y + 2.5), \(x) \(y)))",
          extensive: [Double(index)], intensive: [Double(index) / 7]))
    }
    let one = try run(
      sources, .squareGrid(SquareGrid(cellSize: 1.7)), extensive: ["n"], intensive: ["r"],
      threads: 1)
    let two = try run(
      sources, .squareGrid(SquareGrid(cellSize: 1.7)), extensive: ["n"], intensive: ["r"],
      threads: 2)
    #expect(one.targets.map(\.extensive) == two.targets.map(\.extensive))
    #expect(one.targets.map(\.intensive) == two.targets.map(\.intensive))
    #expect(one.targets.map(\.key) == two.targets.map(\.key))
  }
}

/// Interpolation gives the same float64 results whatever the number of threads,
/// for every source count from 0 to 300: a split of 100 sources into 16 chunks
/// of 7 once started a chunk past the end and crashed.
@Suite("Areal interpolation across thread counts")
struct InterpolationThreadSweepTests {
  func sources(_ count: Int) throws -> [SourceUnit] {
    try (0..<count).map { index in
      let x = Double(index % 17) * 0.7
      let y = Double(index / 17) * 0.7
      let geometry = try Geometry(
        wkt: "POLYGON ((\(x) \(y), \(x + 1) \(y), \(x + 1) \(y + 1), \(x) \(y + 1), \(x) \(y)))")
      return SourceUnit(
        id: Int64(index), polygons: geometry.polygonRings().map(PolygonRings.init(rings:)),
        shape: geometry.polygonalShape, extensive: [Double(index + 1)],
        intensive: [Double(index % 5)],
        categories: [])
    }
  }

  func same(_ a: InterpolationResult, _ b: InterpolationResult) -> Bool {
    a.targets.map(\.key) == b.targets.map(\.key)
      && a.targets.map(\.extensive) == b.targets.map(\.extensive)
      && a.targets.map(\.intensive) == b.targets.map(\.intensive)
      && a.targets.map(\.coveredArea) == b.targets.map(\.coveredArea) && a.balances == b.balances
  }

  @Test func gridTargetsForEveryCountAndThreadCount() throws {
    let grid = InterpolationTargets.squareGrid(SquareGrid(cellSize: 1.3))
    for count in 0...300 {
      let units = try sources(count)
      let one = try ArealInterpolation.interpolate(
        units, onto: grid, extensiveNames: ["n"], intensiveNames: ["r"], categoricalNames: [],
        threads: 1)
      #expect(
        one.balances.first.map { abs($0.totalIn - $0.totalOut) < 1e-9 * max(1, $0.totalIn) }
          ?? false)
      for threads in 2...64 {
        let many = try ArealInterpolation.interpolate(
          units, onto: grid, extensiveNames: ["n"], intensiveNames: ["r"], categoricalNames: [],
          threads: threads)
        #expect(same(one, many), "\(count) sources, \(threads) threads")
      }
    }
  }

  @Test func polygonTargetsForEveryCountAndThreadCount() throws {
    let targets = try (0..<4).map { index in
      let x = Double(index) * 3.5
      return try Geometry(
        wkt: "POLYGON ((\(x) -1, \(x + 3.5) -1, \(x + 3.5) 30, \(x) 30, \(x) -1))"
      )
      .polygonalShape
    }
    for count in stride(from: 0, through: 300, by: 1) where count <= 40 || count % 7 == 0 {
      let units = try sources(count)
      let one = try ArealInterpolation.interpolate(
        units, onto: .polygons(targets), extensiveNames: ["n"], intensiveNames: ["r"],
        categoricalNames: [], threads: 1)
      for threads in [2, 3, 5, 8, 16, 17, 33, 64] {
        let many = try ArealInterpolation.interpolate(
          units, onto: .polygons(targets), extensiveNames: ["n"], intensiveNames: ["r"],
          categoricalNames: [], threads: threads)
        #expect(same(one, many), "\(count) sources, \(threads) threads")
      }
    }
  }
}
