import Dispatch
import Foundation
import GEOSKit
import GeoCore
import Synchronization

/// Areal interpolation of counts, rates and categories from source polygons onto
/// grids or any polygons, with the formulas of ARCHITECTURE.md (a_ij is the area
/// of source i ∩ target j in the working CRS):
/// - extensive: t_j = Σ_i v_i · a_ij / Σ_k a_ik (or / area(i) when targets overlap);
/// - intensive: t_j = Σ_i v_i · a_ij / Σ_i a_ij, over the sources with a value;
/// - categorical: share of the target's covered area per category.
///
/// The areas a_ij of every source are computed in parallel (grids with the exact
/// coverage of `LatticeCoverage` and `HexCoverage`; other polygons with GEOS
/// intersections), then summed source by source in input order, so results are
/// float64 and identical whatever the number of threads.
public enum ArealInterpolation {
  /// One piece of a source: the target it falls in and the area it covers there.
  struct Piece {
    var key: TargetKey
    var area: Double
  }

  /// The pieces of one source, and the area of it that some target covers
  /// (counted once even where targets overlap).
  struct SourcePieces {
    var pieces: [Piece]
    var coveredOnce: Double
  }

  /// Interpolates `sources` onto `targets`.
  /// - Parameters:
  ///   - extensiveNames, intensiveNames, categoricalNames: the variables, in the
  ///     order of the values in each `SourceUnit`.
  ///   - threads: worker threads for the area computation (default: every core).
  /// - Throws: `GEOSError` when a target polygon cannot be read or intersected.
  public static func interpolate(
    _ sources: [SourceUnit], onto targets: InterpolationTargets,
    extensiveNames: [String], intensiveNames: [String], categoricalNames: [String],
    threads: Int = ProcessInfo.processInfo.activeProcessorCount
  ) throws -> InterpolationResult {
    var (result, cells) = try interpolateInPlace(
      sources, onto: targets, extensiveNames: extensiveNames, intensiveNames: intensiveNames,
      categoricalNames: categoricalNames, threads: threads)
    result.targets = Array(cells)
    return result
  }

  /// `interpolate`, with the targets' values left in the accumulator's sums
  /// and read in place (`cells`, in the order `interpolate` gives them; the
  /// result's `targets` are empty). A scale of a million cells then holds its
  /// values once, as flat sums, instead of an array of counts and a
  /// dictionary of shares per cell beside them.
  static func interpolateInPlace(
    _ sources: [SourceUnit], onto targets: InterpolationTargets,
    extensiveNames: [String], intensiveNames: [String], categoricalNames: [String],
    threads: Int
  ) throws -> (result: InterpolationResult, cells: InterpolatedCells) {
    let overlapping = try targetsOverlap(targets)
    let pieces = try computePieces(
      sources, targets, overlapping: overlapping, threads: max(1, threads))
    var accumulator = Accumulator(
      extensiveCount: extensiveNames.count, intensiveCount: intensiveNames.count,
      categoricalCount: categoricalNames.count,
      denseRange: targets.isPolygons ? nil : denseRange(of: pieces))
    if case .polygons(let polygons) = targets {
      for index in polygons.indices { _ = accumulator.slot(for: TargetKey(column: 0, row: index)) }
    }
    let rule = overlapping ? ExtensiveRule.sourceAreaShare : .coveredAreaShare
    var totalIn = [Double](repeating: 0, count: extensiveNames.count)
    var outside = [Double](repeating: 0, count: extensiveNames.count)
    for (unit, computed) in zip(sources, pieces) {
      let covered = computed.pieces.reduce(0) { $0 + $1.area }
      let area = unit.area
      let denominator = rule == .sourceAreaShare ? area : covered
      for (variable, value) in unit.extensive.enumerated() {
        guard let value else { continue }
        totalIn[variable] += value
        if covered <= 0 || denominator <= 0 {
          outside[variable] += value
        } else if rule == .sourceAreaShare {
          outside[variable] += value * max(0, 1 - computed.coveredOnce / area)
        }
      }
      guard denominator > 0 else { continue }
      for piece in computed.pieces {
        accumulator.add(unit, area: piece.area, weight: piece.area / denominator, to: piece.key)
      }
    }
    let categories = accumulator.sortedCategories()
    let cells = accumulator.cells(sorted: !(targets.isPolygons), categoryColumns: categories)
    let balances = extensiveNames.indices.map { variable in
      MassBalance(
        variable: extensiveNames[variable], totalIn: totalIn[variable],
        totalOut: cells.indices.reduce(0) { $0 + cells.extensive(at: $1, variable) },
        outside: outside[variable])
    }
    let result = InterpolationResult(
      targets: [], extensiveNames: extensiveNames, intensiveNames: intensiveNames,
      categorical: zip(categoricalNames, categories).map { ($0, $1) }, balances: balances,
      rule: rule, sourceCount: sources.count)
    return (result, cells)
  }

  /// The pieces of every source, in source order, computed on `threads` threads
  /// (`ParallelChunks`: the same pieces whatever the thread count).
  static func computePieces(
    _ sources: [SourceUnit], _ targets: InterpolationTargets, overlapping: Bool, threads: Int
  ) throws -> [SourcePieces] {
    // Polygon targets: each range builds its own GEOS targets, so one per thread.
    let perThread = targets.isPolygons ? 1 : 8
    return try ParallelChunks.map(
      count: sources.count, threads: threads, rangesPerThread: perThread
    ) { range throws(GEOSError) in
      do {
        return try piecesOfChunk(sources[range], targets, overlapping: overlapping)
      } catch let error as GEOSError {
        throw error
      } catch {
        throw GEOSError(operation: "interpolate", message: "\(error)")
      }
    }.flatMap { $0 }
  }

  private static func piecesOfChunk(
    _ sources: ArraySlice<SourceUnit>, _ targets: InterpolationTargets, overlapping: Bool
  ) throws -> [SourcePieces] {
    switch targets {
    case .squareGrid(let grid):
      return sources.map { gridPieces(of: $0, on: .square(grid)) }
    case .hexGrid(let grid):
      return sources.map { gridPieces(of: $0, on: .hexagon(grid)) }
    case .polygons(let shapes):
      let geometries = try shapes.map(Geometry.polygonalOrEmpty)
      let tree = STRTree(
        envelopes: geometries.map { $0.envelope ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0) })
      return try sources.map { unit in
        guard let shape = unit.shape else { return SourcePieces(pieces: [], coveredOnce: 0) }
        let source = try Geometry.polygonal(shape)
        guard let envelope = source.envelope else {
          return SourcePieces(pieces: [], coveredOnce: 0)
        }
        let prepared = try PreparedGeometry(source)
        var pieces: [Piece] = []
        var touched: [Geometry] = []
        for index in tree.query(envelope) where !geometries[index].isEmpty {
          guard try prepared.intersects(geometries[index]) else { continue }
          let area = try source.intersection(with: geometries[index]).area
          if area > 0 {
            pieces.append(Piece(key: TargetKey(column: 0, row: index), area: area))
            touched.append(geometries[index])
          }
        }
        guard overlapping, touched.count > 1 else {
          return SourcePieces(pieces: pieces, mayRepeat: false)
        }
        // Where targets overlap, the part of the source they cover is counted once.
        let coveredOnce = try source.intersection(with: Geometry.unionAll(touched)).area
        return SourcePieces(pieces: pieces, coveredOnce: coveredOnce)
      }
    }
  }

  /// The cells of `grid` that `unit` covers, with their areas (only those of
  /// `rows` when given: the same areas as without the window).
  static func gridPieces(
    of unit: SourceUnit, on grid: GridShape, rows: ClosedRange<Int>? = nil
  ) -> SourcePieces {
    var pieces: [Piece] = []
    for polygon in unit.polygons {
      switch grid {
      case .square(let square):
        LatticeCoverage.cover(polygon, on: square.lattice, rows: rows) { column, row, area in
          pieces.append(Piece(key: TargetKey(column: column, row: row), area: area))
        }
      case .hexagon(let hexagon):
        HexCoverage.cover(polygon, on: hexagon, rows: rows) { column, row, area in
          pieces.append(Piece(key: TargetKey(column: column, row: row), area: area))
        }
      }
    }
    return SourcePieces(pieces: pieces, mayRepeat: unit.polygons.count > 1)
  }

  /// The bounding range of the pieces' cells when a dense table of it stays
  /// small (at most 8 slots per piece, plus a million); `nil` otherwise.
  static func denseRange(of pieces: [SourcePieces]) -> (
    columns: ClosedRange<Int>, rows: ClosedRange<Int>
  )? {
    var count = 0
    var columnLow = Int.max
    var columnHigh = Int.min
    var rowLow = Int.max
    var rowHigh = Int.min
    for source in pieces {
      for piece in source.pieces {
        count += 1
        columnLow = min(columnLow, piece.key.column)
        columnHigh = max(columnHigh, piece.key.column)
        rowLow = min(rowLow, piece.key.row)
        rowHigh = max(rowHigh, piece.key.row)
      }
    }
    guard count > 0 else { return nil }
    let size = (Double(columnHigh - columnLow) + 1) * (Double(rowHigh - rowLow) + 1)
    guard size <= Double(count) * 8 + 1_000_000 else { return nil }
    return (columnLow...columnHigh, rowLow...rowHigh)
  }

  /// Whether two target polygons share some area beyond digitising slivers
  /// (grids never do).
  static func targetsOverlap(_ targets: InterpolationTargets) throws -> Bool {
    guard case .polygons(let shapes) = targets else { return false }
    let geometries = try shapes.map(Geometry.polygonalOrEmpty)
    let tree = STRTree(
      envelopes: geometries.map { $0.envelope ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0) })
    for (index, geometry) in geometries.enumerated() {
      guard let envelope = geometry.envelope else { continue }
      let prepared = try PreparedGeometry(geometry)
      for other in tree.query(envelope) where other > index {
        guard try prepared.intersects(geometries[other]) else { continue }
        // Digitising slivers between neighbouring units (a few cm²) are not overlaps:
        // only a shared area above a millionth of the smaller polygon counts.
        let shared = try geometry.intersection(with: geometries[other]).area
        if shared > 1e-6 * min(geometry.area, geometries[other].area) { return true }
      }
    }
    return false
  }
}

extension ArealInterpolation.SourcePieces {
  /// Pieces of a grid, which never overlap: merged by cell when `mayRepeat` (the
  /// parts of a MultiPolygon may share one), covering their sum.
  init(pieces: [ArealInterpolation.Piece], mayRepeat: Bool = true) {
    var merged = pieces
    if mayRepeat && pieces.count > 1 {
      var order: [TargetKey] = []
      var sums: [TargetKey: Double] = [:]
      for piece in pieces {
        if sums[piece.key] == nil { order.append(piece.key) }
        sums[piece.key, default: 0] += piece.area
      }
      if order.count != pieces.count {
        merged = order.map { ArealInterpolation.Piece(key: $0, area: sums[$0]!) }
      }
    }
    self.init(pieces: merged, coveredOnce: merged.reduce(0) { $0 + $1.area })
  }
}

extension InterpolationTargets {
  var isPolygons: Bool {
    if case .polygons = self { return true }
    return false
  }
}
