import Foundation
import GeoCore

/// Areal interpolation onto a grid one stripe of rows at a time, so that memory
/// grows with the sources and one stripe, not with the cells: a country on a
/// 200 m grid (13.75 million cells) is written stripe after stripe.
///
/// The cells' values are bit for bit those of `ArealInterpolation.interpolate`,
/// whatever the stripe height and the thread count:
/// - a cell's sums receive the same pieces in the same order (the sources that
///   touch its stripe, in input order; a stripe's pieces are those of the whole
///   coverage, since the coverage of a window of rows gives the same areas);
/// - a source's denominator Σ_k a_ik is the sum of all its pieces in coverage
///   order: computed with its stripe when the source lies in one stripe, and
///   beforehand, by a first coverage, when it crosses a stripe boundary;
/// - the balances are summed in the same order (sources in input order, cells
///   in row-major order, which is stripe order).
public enum StripedInterpolation {
  /// The cells a stripe aims at (about a million), which sets its height from
  /// the width of the sources' extent.
  public static let defaultStripeCells = 1 << 20

  /// What the whole interpolation produced besides its cells.
  public struct Outcome: Sendable {
    /// The balances, rule and variables (`targets` is empty: the cells went to `emit`).
    public var result: InterpolationResult
    /// The cells emitted.
    public var cellCount: Int
    /// The stripes the grid was cut into.
    public var stripeCount: Int
  }

  /// The categories of each categorical variable that some source with an area
  /// holds, sorted: the output columns, known before the first stripe.
  public static func categories(of sources: [SourceUnit], count: Int) -> [[String]] {
    var seen = [Set<String>](repeating: [], count: count)
    for unit in sources where unit.area > 0 {
      for (variable, category) in unit.categories.enumerated() {
        if let category { seen[variable].insert(category) }
      }
    }
    return seen.map { $0.sorted() }
  }

  /// Interpolates `sources` onto `grid`, calling `emit` with each stripe's cells
  /// in row-major order (south to north).
  /// - Parameters:
  ///   - rowsPerStripe: the stripe height in rows; by default enough rows for
  ///     about `defaultStripeCells` cells across the sources' extent.
  ///   - threads: worker threads for the coverage (the results do not depend on it).
  ///   - progress: shows the rows done, stripe after stripe.
  ///   - emit: receives each stripe's cells, in runs of whole rows of about
  ///     16,384 cells (a stripe of fewer cells, or none, is one run); an error
  ///     it throws stops the run.
  public static func interpolate(
    _ sources: [SourceUnit], onto grid: GridShape,
    extensiveNames: [String], intensiveNames: [String], categoricalNames: [String],
    rowsPerStripe: Int? = nil, threads: Int = ParallelChunks.defaultThreads,
    progress: (any ProgressDisplay)? = nil,
    emit: (InterpolatedCells) throws -> Void
  ) throws -> Outcome {
    let spans = sources.map { rowSpan(of: $0, on: grid) }
    let categoryColumns = categories(of: sources, count: categoricalNames.count)
    let height = max(1, rowsPerStripe ?? defaultHeight(sources, grid))
    let stripeOf = { (row: Int) -> Int in Int((Double(row) / Double(height)).rounded(.down)) }
    var members: [Int: [Int]] = [:]
    var crossingSources: [Int] = []
    for (index, span) in spans.enumerated() {
      guard let span else { continue }
      let first = stripeOf(span.lowerBound)
      let last = stripeOf(span.upperBound)
      if first != last { crossingSources.append(index) }
      for stripe in first...last { members[stripe, default: []].append(index) }
    }
    // Sources crossing a boundary: the denominator from their whole coverage.
    let crossing = crossingSources
    var covered = [Double](repeating: 0, count: sources.count)
    let crossingCovered = ParallelChunks.map(
      count: crossing.count, threads: threads, rangesPerThread: 8
    ) { range in
      range.map { position in
        ArealInterpolation.gridPieces(of: sources[crossing[position]], on: grid).pieces
          .reduce(0) { $0 + $1.area }
      }
    }.flatMap { $0 }
    for (index, sum) in zip(crossing, crossingCovered) { covered[index] = sum }
    let crosses = Set(crossing)
    var totalOut = [Double](repeating: 0, count: extensiveNames.count)
    var cellCount = 0
    let rows = members.count * height
    try progress.step("interpolating \(sources.count) sources", total: rows, unit: "rows") {
      shown in
      for stripe in members.keys.sorted() {
        let indices = members[stripe]!
        let window = (stripe * height)...(stripe * height + height - 1)
        let pieces = ParallelChunks.map(
          count: indices.count, threads: threads, rangesPerThread: 8
        ) { range in
          range.map {
            ArealInterpolation.gridPieces(of: sources[indices[$0]], on: grid, rows: window)
          }
        }.flatMap { $0 }
        var accumulator = Accumulator(
          extensiveCount: extensiveNames.count, intensiveCount: intensiveNames.count,
          categoricalCount: categoricalNames.count,
          denseRange: ArealInterpolation.denseRange(of: pieces),
          capacity: pieces.reduce(0) { $0 + $1.pieces.count })
        for (index, computed) in zip(indices, pieces) {
          if !crosses.contains(index) {
            covered[index] = computed.pieces.reduce(0) { $0 + $1.area }
          }
          let denominator = covered[index]
          guard denominator > 0 else { continue }
          let unit = sources[index]
          for piece in computed.pieces {
            accumulator.add(unit, area: piece.area, weight: piece.area / denominator, to: piece.key)
          }
        }
        let cells = accumulator.cells(sorted: true, categoryColumns: categoryColumns)
        for position in cells.indices {
          for variable in totalOut.indices {
            totalOut[variable] += cells.extensive(at: position, variable)
          }
        }
        cellCount += cells.count
        // Handed over in runs of whole rows, so that progress moves within a
        // stripe; a stripe of fewer cells (or none) is one batch.
        if cells.isEmpty { try emit(cells) }
        var start = 0
        var rowsShown = window.lowerBound
        while start < cells.count {
          var end = min(cells.count, start + 16_384)
          while end < cells.count && cells.key(end).row == cells.key(end - 1).row { end += 1 }
          try emit(cells.batch(start..<end))
          let reached = cells.key(end - 1).row + 1
          shown.advance(by: reached - rowsShown)
          rowsShown = reached
          start = end
        }
        shown.advance(by: window.upperBound + 1 - rowsShown)
      }
    }
    var totalIn = [Double](repeating: 0, count: extensiveNames.count)
    var outside = [Double](repeating: 0, count: extensiveNames.count)
    for (index, unit) in sources.enumerated() {
      for (variable, value) in unit.extensive.enumerated() {
        guard let value else { continue }
        totalIn[variable] += value
        if covered[index] <= 0 { outside[variable] += value }
      }
    }
    let balances = extensiveNames.indices.map { variable in
      MassBalance(
        variable: extensiveNames[variable], totalIn: totalIn[variable],
        totalOut: totalOut[variable], outside: outside[variable])
    }
    let result = InterpolationResult(
      targets: [], extensiveNames: extensiveNames, intensiveNames: intensiveNames,
      categorical: zip(categoricalNames, categoryColumns).map { ($0, $1) }, balances: balances,
      rule: .coveredAreaShare, sourceCount: sources.count)
    return Outcome(result: result, cellCount: cellCount, stripeCount: members.count)
  }

  /// The rows a source may cover: exactly those of its bounds on squares, and
  /// a row more than the hexagons' reach on each side (a wider span only costs
  /// a window with nothing in it); `nil` when the source has no polygon.
  static func rowSpan(of unit: SourceUnit, on grid: GridShape) -> ClosedRange<Int>? {
    guard let bounds = Clipping.bounds(unit.polygons.flatMap(\.rings)) else { return nil }
    switch grid {
    case .square(let square):
      let lattice = square.lattice
      return lattice.row(of: bounds.min.y)...lattice.row(of: bounds.max.y)
    case .hexagon(let hexagon):
      let step = 1.5 * hexagon.radius
      let low = Int(((bounds.min.y - hexagon.radius) / step).rounded(.down)) - 2
      let high = Int(((bounds.max.y + hexagon.radius) / step).rounded(.up)) + 2
      return low...high
    }
  }

  /// Rows for about `cells` cells across the width of the sources.
  static func defaultHeight(
    _ sources: [SourceUnit], _ grid: GridShape, cells: Int = defaultStripeCells
  ) -> Int {
    guard let extent = InterpolationJob.extent(of: sources) else { return 1 }
    let columnWidth: Double
    switch grid {
    case .square(let square): columnWidth = square.cellSize
    case .hexagon(let hexagon): columnWidth = hexagon.spacing
    }
    let columns = max(1, extent.width / columnWidth + 2)
    return max(1, Int(Double(cells) / columns))
  }
}
