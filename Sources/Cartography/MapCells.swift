import GeoCore
import PROJKit

/// The cells of a grid (squares or hexagons), drawn straight from the grid:
/// each pixel of the map takes the value of the cell under its centre.
///
/// Why: a scale of a million cells drawn as polygons holds every cell's rings
/// (about 200 bytes a cell per indicator) and draws every path, only for most
/// cells to cover less than a printed dot; a cell found by its column and row
/// costs a 4-byte slot of the grid's box and nothing to draw. A scale of
/// millions of cells is then mapped like a raster at print resolution, never
/// left out.
public struct MapCells: Sendable {
  /// How a grid's cells lie.
  public enum Lattice: Sendable, Equatable {
    /// Squares of `size`, column 0, row 0 with its lower-left corner at `origin`:
    /// cell (column, row) covers `[origin.x + column·size, … + size)` across and
    /// likewise up.
    case squares(origin: SIMD2<Double>, size: Double)
    /// Pointy-top hexagons `spacing` apart across: the centre of (column, row)
    /// is `(column·d + (row mod 2)·d/2, row·1.5·d/√3)`.
    case hexagons(spacing: Double)
  }

  /// The grid's CRS (the map may be drawn in another).
  public let crs: CRS
  /// The bounds of the cells in the map's CRS (the grid's box, its edges
  /// followed).
  public let extent: Envelope
  /// One value per cell, in the order of the cells given (`nil`: no value,
  /// drawn in the no-data colour).
  public var values: [Double?]
  let lattice: Lattice
  let firstColumn: Int
  let firstRow: Int
  let columns: Int
  let rows: Int
  /// For each (column, row) of the grid's box (row after row from the south),
  /// the position of its value, or -1 where the grid has no cell (left blank).
  let slots: [Int32]

  /// The `cells` (`column`, `row`) of a grid laid as `lattice` in `crs`, with
  /// one value each (set `values` for each indicator drawn), for a map drawn
  /// in `mapCRS`.
  /// - Throws: `PROJError` when the grid's box cannot be projected to `mapCRS`.
  public init(
    lattice: Lattice, cells: [(column: Int, row: Int)], values: [Double?], crs: CRS,
    mapCRS: CRS
  ) throws {
    precondition(cells.count == values.count, "one value per cell")
    precondition(cells.count < Int(Int32.max), "at most 2^31 cells")
    self.crs = crs
    self.values = values
    self.lattice = lattice
    var low = (column: Int.max, row: Int.max)
    var high = (column: Int.min, row: Int.min)
    for cell in cells {
      low = (min(low.column, cell.column), min(low.row, cell.row))
      high = (max(high.column, cell.column), max(high.row, cell.row))
    }
    if cells.isEmpty { (low, high) = ((0, 0), (0, 0)) }
    firstColumn = low.column
    firstRow = low.row
    columns = high.column - low.column + 1
    rows = high.row - low.row + 1
    var slots = [Int32](repeating: -1, count: columns * rows)
    for (position, cell) in cells.enumerated() {
      slots[(cell.row - firstRow) * columns + cell.column - firstColumn] = Int32(position)
    }
    self.slots = slots
    let box: Envelope
    switch lattice {
    case .squares(let origin, let size):
      box = Envelope(
        minX: origin.x + Double(low.column) * size, minY: origin.y + Double(low.row) * size,
        maxX: origin.x + Double(high.column + 1) * size,
        maxY: origin.y + Double(high.row + 1) * size)
    case .hexagons(let spacing):
      let radius = spacing / 3.0.squareRoot()
      box = Envelope(
        minX: Double(low.column) * spacing - spacing / 2,
        minY: Double(low.row) * 1.5 * radius - radius,
        maxX: Double(high.column) * spacing + spacing,
        maxY: Double(high.row) * 1.5 * radius + radius)
    }
    extent = try Self.projectedExtent(box, from: crs, to: mapCRS)
  }

  /// The position in `values` of the cell holding `point` (in the grid's CRS),
  /// or `nil` outside the grid's cells.
  @inline(__always) func slot(at point: SIMD2<Double>) -> Int? {
    guard point.x.isFinite, point.y.isFinite else { return nil }
    let cell: (column: Int, row: Int)
    switch lattice {
    case .squares(let origin, let size):
      cell = (
        Int(((point.x - origin.x) / size).rounded(.down)),
        Int(((point.y - origin.y) / size).rounded(.down))
      )
    case .hexagons(let spacing):
      cell = Self.hexagon(at: point, spacing: spacing)
    }
    let column = cell.column - firstColumn
    let row = cell.row - firstRow
    guard column >= 0, column < columns, row >= 0, row < rows else { return nil }
    let slot = slots[row * columns + column]
    return slot < 0 ? nil : Int(slot)
  }

  /// The hexagon holding `point`: that of the nearest centre (hexagons are
  /// the cells of their centres' Voronoi diagram), among the nearest centre
  /// of the point's row and of the rows above and below.
  @inline(__always) static func hexagon(at point: SIMD2<Double>, spacing: Double)
    -> (column: Int, row: Int)
  {
    let rowStep = 1.5 * spacing / 3.0.squareRoot()
    let middle = Int((point.y / rowStep).rounded())
    var best = (column: 0, row: middle)
    var nearest = Double.infinity
    for row in (middle - 1)...(middle + 1) {
      let shift = row & 1 == 1 ? spacing / 2 : 0
      let column = Int(((point.x - shift) / spacing).rounded())
      let dx = point.x - (Double(column) * spacing + shift)
      let dy = point.y - Double(row) * rowStep
      let distance = dx * dx + dy * dy
      if distance < nearest { (best, nearest) = ((column, row), distance) }
    }
    return best
  }

  /// The bounds of `box` in `to`, its edges followed (64 points each).
  private static func projectedExtent(_ box: Envelope, from: CRS, to: CRS) throws -> Envelope {
    if from.isEquivalent(to: to) { return box }
    return try Transformer(from: from, to: to).transformBounds(box, densifyPoints: 64)
  }
}
