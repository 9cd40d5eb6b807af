import GeoCore

/// A square grid in a projected CRS: cell (column, row) covers
/// `[column·s, (column+1)·s) × [row·s, (row+1)·s)`, aligned on multiples of the
/// cell size `s` so that grids of different sizes nest (a 1 km cell holds exactly
/// twenty-five 200 m cells).
public struct SquareGrid: Sendable, Hashable {
  /// The cell size in CRS units (metres).
  public let cellSize: Double
  /// Whether cells carry INSPIRE / European grid identifiers (the CRS is EPSG:3035).
  public let inspire: Bool
  /// Where the lines of the grid start: (0, 0) for the aligned grid; the scale
  /// report also places grids shifted by half a cell to measure the zoning effect.
  public let origin: SIMD2<Double>

  /// Creates a grid of `cellSize` (> 0); `inspire` adds identifiers such as
  /// `CRS3035RES1000mN2890000E3760000` (only meaningful in EPSG:3035, aligned grids).
  public init(cellSize: Double, inspire: Bool = false, origin: SIMD2<Double> = .zero) {
    precondition(cellSize > 0, "cell size must be positive")
    self.cellSize = cellSize
    self.inspire = inspire && origin == .zero
    self.origin = origin
  }

  /// The lattice of the grid.
  public var lattice: CellLattice {
    CellLattice(originX: origin.x, originY: origin.y, width: cellSize, height: cellSize)
  }

  /// The bounds of cell (column, row).
  public func envelope(column: Int, row: Int) -> Envelope {
    let lattice = lattice
    return Envelope(
      minX: lattice.x(column), minY: lattice.y(row), maxX: lattice.x(column + 1),
      maxY: lattice.y(row + 1))
  }

  /// The columns and rows of the cells that meet `box` (cells closed on the left and bottom).
  public func cells(covering box: Envelope) -> (columns: ClosedRange<Int>, rows: ClosedRange<Int>) {
    let lattice = lattice
    var columnHigh = lattice.column(of: box.maxX)
    var rowHigh = lattice.row(of: box.maxY)
    // A box ending exactly on a grid line does not reach into the next cell.
    if lattice.x(columnHigh) == box.maxX, columnHigh > lattice.column(of: box.minX) {
      columnHigh -= 1
    }
    if lattice.y(rowHigh) == box.maxY, rowHigh > lattice.row(of: box.minY) { rowHigh -= 1 }
    return (lattice.column(of: box.minX)...columnHigh, lattice.row(of: box.minY)...rowHigh)
  }

  /// The INSPIRE identifier of a cell: `CRS3035RES<size>mN<south edge>E<west edge>`.
  public func inspireIdentifier(column: Int, row: Int) -> String {
    "CRS3035RES\(Self.integerText(cellSize))mN\(Self.integerText(Double(row) * cellSize))E\(Self.integerText(Double(column) * cellSize))"
  }

  private static func integerText(_ value: Double) -> String {
    value.rounded() == value && abs(value) < 9e15 ? String(Int64(value)) : String(value)
  }
}
