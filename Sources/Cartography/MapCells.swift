import GeoCore
import PROJKit

/// The square cells of a grid, drawn straight from the grid: each pixel of the
/// map takes the value of the cell under its centre.
///
/// Why: a scale of a million cells drawn as polygons holds every cell's rings
/// (about 200 bytes a cell per indicator) and draws every path, only for most
/// cells to cover less than a printed dot; a cell found by its column and row
/// costs a 4-byte slot of the grid's box and nothing to draw. A scale of
/// millions of cells is then mapped like a raster at print resolution, never
/// left out.
public struct MapCells: Sendable {
  /// The grid's CRS (the map may be drawn in another).
  public let crs: CRS
  /// The bounds of the cells in the map's CRS (the grid's box, its edges
  /// followed).
  public let extent: Envelope
  /// One value per cell, in the order of the cells given (`nil`: no value,
  /// drawn in the no-data colour).
  public var values: [Double?]
  let originX: Double
  let originY: Double
  let size: Double
  let firstColumn: Int
  let firstRow: Int
  let columns: Int
  let rows: Int
  /// For each cell of the grid's box (row after row from the south), the
  /// position of its value, or -1 where the grid has no cell (left blank).
  let slots: [Int32]

  /// The cells (`column`, `row`) of a grid of `size` whose column 0, row 0 has
  /// its lower-left corner at `origin`, in `crs`, with one value each (set
  /// `values` for each indicator drawn), for a map drawn in `mapCRS`.
  /// - Throws: `PROJError` when the grid's box cannot be projected to `mapCRS`.
  public init(
    origin: SIMD2<Double>, size: Double, cells: [(column: Int, row: Int)], values: [Double?],
    crs: CRS, mapCRS: CRS
  ) throws {
    precondition(cells.count == values.count, "one value per cell")
    precondition(cells.count < Int(Int32.max), "at most 2^31 cells")
    self.crs = crs
    self.values = values
    originX = origin.x
    originY = origin.y
    self.size = size
    let columnRange = cells.map(\.column).min().map { $0...cells.map(\.column).max()! } ?? 0...0
    let rowRange = cells.map(\.row).min().map { $0...cells.map(\.row).max()! } ?? 0...0
    firstColumn = columnRange.lowerBound
    firstRow = rowRange.lowerBound
    columns = columnRange.count
    rows = rowRange.count
    var slots = [Int32](repeating: -1, count: columns * rows)
    for (position, cell) in cells.enumerated() {
      slots[(cell.row - firstRow) * columns + cell.column - firstColumn] = Int32(position)
    }
    self.slots = slots
    let box = Envelope(
      minX: originX + Double(firstColumn) * size, minY: originY + Double(firstRow) * size,
      maxX: originX + Double(firstColumn + columns) * size,
      maxY: originY + Double(firstRow + rows) * size)
    extent = try Self.projectedExtent(box, from: crs, to: mapCRS)
  }

  /// The position in `values` of the cell holding `point` (in the grid's CRS),
  /// or `nil` outside the grid's cells.
  @inline(__always) func slot(at point: SIMD2<Double>) -> Int? {
    guard point.x.isFinite, point.y.isFinite else { return nil }
    let column = Int(((point.x - originX) / size).rounded(.down)) - firstColumn
    let row = Int(((point.y - originY) / size).rounded(.down)) - firstRow
    guard column >= 0, column < columns, row >= 0, row < rows else { return nil }
    let slot = slots[row * columns + column]
    return slot < 0 ? nil : Int(slot)
  }

  /// The bounds of `box` in `to`, its edges followed (64 points each).
  private static func projectedExtent(_ box: Envelope, from: CRS, to: CRS) throws -> Envelope {
    if from.isEquivalent(to: to) { return box }
    return try Transformer(from: from, to: to).transformBounds(box, densifyPoints: 64)
  }
}
