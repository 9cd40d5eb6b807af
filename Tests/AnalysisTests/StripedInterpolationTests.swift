import Foundation
import GEOSKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@testable import Analysis

/// The grid interpolation written stripe by stripe gives the cells, values and
/// balances of the interpolation held in memory, bit for bit, whatever the
/// stripe height and the thread count.
@Suite("Grid interpolation in stripes")
struct StripedInterpolationTests {
  /// Olinda's 1,000-odd tracts with residents and their urban/rural type, a
  /// rate made of them, a two-part source and a source without geometry.
  func olindaSources() throws -> [SourceUnit] {
    var request = SourceRequest(path: Fixtures.tracts)
    request.sourceCRS = try CRS("EPSG:4674")
    request.extensive = ["V014"]
    request.categorical = ["TIPO"]
    var (units, _) = try SourceLoader.load(request, workingCRS: try CRS("EPSG:31985"))
    for index in units.indices {
      units[index].intensive = [units[index].extensive[0].map { $0 / max(1, units[index].area) }]
    }
    let twoParts = try Geometry(
      wkt: "MULTIPOLYGON (((291000 9115000, 291900 9115000, 291900 9116300, 291000 9116300, "
        + "291000 9115000)), ((292000 9117000, 292400 9117000, 292400 9119100, 292000 9119100, "
        + "292000 9117000)))")
    units.append(
      SourceUnit(
        id: 90_001, polygons: twoParts.polygonRings().map(PolygonRings.init(rings:)),
        shape: twoParts.polygonalShape, extensive: [1_000], intensive: [2], categories: ["x"]))
    units.append(
      SourceUnit(
        id: 90_002, polygons: [], shape: nil, extensive: [50], intensive: [nil], categories: [nil]))
    return units
  }

  func inMemory(_ units: [SourceUnit], _ grid: GridShape) throws -> InterpolationResult {
    try ArealInterpolation.interpolate(
      units, onto: grid.targets, extensiveNames: ["V014"], intensiveNames: ["density"],
      categoricalNames: ["TIPO"], threads: 1)
  }

  func striped(_ units: [SourceUnit], _ grid: GridShape, rows: Int?, threads: Int) throws -> (
    cells: [TargetValues], outcome: StripedInterpolation.Outcome, batches: Int
  ) {
    var cells: [TargetValues] = []
    var batches = 0
    let outcome = try StripedInterpolation.interpolate(
      units, onto: grid, extensiveNames: ["V014"], intensiveNames: ["density"],
      categoricalNames: ["TIPO"], rowsPerStripe: rows, threads: threads
    ) { stripe in
      cells += stripe
      batches += 1
    }
    return (cells, outcome, batches)
  }

  func expectSame(_ cells: [TargetValues], _ reference: [TargetValues], _ label: String) {
    #expect(cells.map(\.key) == reference.map(\.key), "\(label): keys")
    #expect(cells.map(\.coveredArea) == reference.map(\.coveredArea), "\(label): covered area")
    #expect(cells.map(\.extensive) == reference.map(\.extensive), "\(label): counts")
    #expect(cells.map(\.intensive) == reference.map(\.intensive), "\(label): rates")
    #expect(cells.map(\.categoryShares) == reference.map(\.categoryShares), "\(label): shares")
  }

  @Test(arguments: [
    GridShape.square(SquareGrid(cellSize: 100)), .hexagon(HexGrid(spacing: 250)),
  ])
  func stripesGiveTheValuesOfTheWholeGrid(grid: GridShape) throws {
    let units = try olindaSources()
    let reference = try inMemory(units, grid)
    #expect(reference.targets.count > 800)
    for rows in [1, 2, 7, 40, nil] {
      for threads in [1, 2, 3, 8] {
        let label = "\(grid), \(rows.map(String.init) ?? "default") rows, \(threads) threads"
        let (cells, outcome, batches) = try striped(units, grid, rows: rows, threads: threads)
        expectSame(cells, reference.targets, label)
        #expect(outcome.result.balances == reference.balances, "\(label): balances")
        #expect(outcome.result.balances.allSatisfy { $0.isBalanced }, "\(label)")
        #expect(
          outcome.result.categorical.map(\.categories) == reference.categorical.map(\.categories))
        #expect(outcome.cellCount == reference.targets.count)
        #expect(batches == outcome.stripeCount)
        if rows == 1 { #expect(batches > 50, "\(label): \(batches) stripes") }
      }
    }
  }

  /// The CSV lines written straight from the sums (`GridRowFormat` and
  /// `InterpolatedCells`) are those of the attribute values the other formats
  /// get, formatted by `CSVTableFile`, for counts, rates with and without a
  /// value, category shares and cells without a category.
  @Test(arguments: [
    GridShape.square(SquareGrid(cellSize: 100, inspire: true)), .hexagon(HexGrid(spacing: 250)),
  ])
  func csvLinesFromTheSumsAreThoseOfTheValues(grid: GridShape) throws {
    var units = try olindaSources()
    for index in 0..<40 {  // cells without a rate or a category
      units[index].intensive = [nil]
      units[index].categories = [nil]
    }
    let reference = try inMemory(units, grid)
    let categories = reference.categorical.map(\.categories)
    let format = GridRowFormat(shape: grid)
    var lines = 0
    var withoutRate = 0
    var withShares = 0
    _ = try StripedInterpolation.interpolate(
      units, onto: grid, extensiveNames: ["V014"], intensiveNames: ["density"],
      categoricalNames: ["TIPO"], rowsPerStripe: 5, threads: 2
    ) { batch in
      for position in batch.indices {
        var direct: [UInt8] = []
        format.appendCSVLine(batch, position, to: &direct)
        let target = reference.targets[lines]
        #expect(target.key == batch.key(position))
        var expected: [UInt8] = []
        CSVTableFile.appendLine(
          format.attributes(
            target.key, ValueTable.values(of: target, categories: categories, coveredArea: true)),
          to: &expected)
        #expect(
          String(decoding: direct, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(
          batch.values(position)
            == ValueTable.values(of: target, categories: categories, coveredArea: true))
        lines += 1
        if target.intensive[0] == nil { withoutRate += 1 }
        if !target.categoryShares[0].isEmpty { withShares += 1 }
      }
    }
    #expect(lines == reference.targets.count)
    #expect(withoutRate > 0 && withShares > 0 && withShares < lines)
  }

  /// A source far larger than a stripe (the whole extent) is covered once per
  /// stripe and keeps its denominator: its count is split over every cell.
  @Test func aSourceSpanningEveryStripeKeepsItsTotal() throws {
    let big = try Geometry(wkt: "POLYGON ((0.5 0.5, 40.2 0.5, 40.2 33.7, 0.5 33.7, 0.5 0.5))")
    let units = [
      SourceUnit(
        id: 1, polygons: big.polygonRings().map(PolygonRings.init(rings:)),
        shape: big.polygonalShape, extensive: [1_000], intensive: [3], categories: ["a"])
    ]
    let grid = GridShape.square(SquareGrid(cellSize: 1))
    let reference = try ArealInterpolation.interpolate(
      units, onto: grid.targets, extensiveNames: ["n"], intensiveNames: ["r"],
      categoricalNames: ["c"], threads: 1)
    var cells: [TargetValues] = []
    let outcome = try StripedInterpolation.interpolate(
      units, onto: grid, extensiveNames: ["n"], intensiveNames: ["r"], categoricalNames: ["c"],
      rowsPerStripe: 3, threads: 2
    ) { cells += $0 }
    #expect(outcome.stripeCount == 12)
    #expect(cells.count == 41 * 34)  // columns 0...40, rows 0...33
    expectSame(cells, reference.targets, "one large source")
    #expect(outcome.result.balances == reference.balances)
    // 1,000 over 39.7 × 33.2 m²: a whole inner cell holds 1,000 / 1,318.04.
    let inner = try #require(cells.first { $0.key == TargetKey(column: 10, row: 10) })
    #expect(abs(inner.extensive[0] - 1_000 / (39.7 * 33.2)) < 1e-9)
  }

  /// A stripe holds only its own cells: the largest batch of the Olinda grid
  /// cut into stripes of 2 rows has at most 2 rows of cells.
  @Test func aStripeHoldsOnlyItsRows() throws {
    let units = try olindaSources()
    var largestRowSpan = 0
    _ = try StripedInterpolation.interpolate(
      units, onto: .square(SquareGrid(cellSize: 100)), extensiveNames: ["V014"],
      intensiveNames: ["density"], categoricalNames: ["TIPO"], rowsPerStripe: 2, threads: 2
    ) { stripe in
      let rows = Set(stripe.map(\.key.row))
      largestRowSpan = max(largestRowSpan, (rows.max() ?? 0) - (rows.min() ?? 0) + 1)
    }
    #expect(largestRowSpan == 2)
  }

  /// The job writes the same file whatever the stripe height.
  @Test func theJobWritesTheSameFileWhateverTheStripes() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    var request = SourceRequest(path: Fixtures.tracts)
    request.sourceCRS = try CRS("EPSG:4674")
    request.extensive = ["V014"]
    request.categorical = ["TIPO"]
    var outputs: [Data] = []
    for rows in [1, 5, nil] {
      let output = folder.appendingPathComponent("grid_\(rows ?? 0).csv").path
      var job = InterpolationJob(
        source: request, workingCRS: try CRS("EPSG:31985"),
        target: .grid(.square(SquareGrid(cellSize: 200))), output: output)
      job.rowsPerStripe = rows
      let summary = try job.run()
      #expect(summary.written == 1_161)
      #expect(summary.result.balances[0].totalIn == 377_779)
      #expect(summary.result.balances[0].isBalanced)
      outputs.append(try Data(contentsOf: URL(fileURLWithPath: output)))
    }
    #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])
    let header = String(decoding: outputs[0].prefix(200), as: UTF8.self)
    #expect(header.hasPrefix("col,row,x_min,y_min,x_max,y_max,covered_area,V014,TIPO_"))
  }

  /// Records the steps it is shown and what each had done when it ended.
  final class RecordingDisplay: ProgressDisplay, @unchecked Sendable {
    // Read and written under `lock`.
    private let lock = NSLock()
    private(set) var begun: [StepProgress] = []
    private(set) var ended: [(done: Int, total: Int)] = []
    func begin(_ progress: StepProgress) { lock.withLock { begun.append(progress) } }
    func end(_ progress: StepProgress) {
      lock.withLock { ended.append((progress.completed, progress.total)) }
    }
  }

  @Test(
    "progress: one step, every row of every stripe counted once, never backwards",
    arguments: [1, 7, nil])
  func progressCountsRows(rows: Int?) throws {
    let units = try olindaSources()
    let grid = GridShape.square(SquareGrid(cellSize: 100))
    let display = RecordingDisplay()
    var seen: [Int] = []
    let outcome = try StripedInterpolation.interpolate(
      units, onto: grid, extensiveNames: ["V014"], intensiveNames: ["density"],
      categoricalNames: ["TIPO"], rowsPerStripe: rows, threads: 2, progress: display
    ) { _ in seen.append(display.begun[0].completed) }
    let height = rows ?? StripedInterpolation.defaultHeight(units, grid)
    #expect(display.begun.count == 1)
    #expect(display.begun.first?.unit == "rows")
    #expect(display.ended.count == 1)
    #expect(display.ended.first?.total == outcome.stripeCount * height)
    #expect(display.ended.first?.done == outcome.stripeCount * height)
    #expect(seen == seen.sorted(), "progress never goes back")
    #expect(seen.count >= outcome.stripeCount - 1)
  }
}
