import GeoCore

/// A grid of pointy-top hexagons in a projected CRS. With `d` the distance between
/// the centres of two horizontal neighbours and `R = d/√3` the side, the centre of
/// (column, row) is `(column·d + (row mod 2)·d/2, row·1.5·R)` and every cell has
/// area `(√3/2)·d²`.
public struct HexGrid: Sendable, Hashable {
  /// The distance between the centres of horizontal neighbours (metres).
  public let spacing: Double

  /// Creates a grid of `spacing` (> 0).
  public init(spacing: Double) {
    precondition(spacing > 0, "hexagon spacing must be positive")
    self.spacing = spacing
  }

  /// The side of a hexagon, equal to its circumradius: `d / √3`.
  public var radius: Double { spacing / 3.0.squareRoot() }

  /// The area of one hexagon: `(√3/2)·d²`.
  public var cellArea: Double { 3.0.squareRoot() / 2 * spacing * spacing }

  /// The horizontal shift of odd rows, `d/2` (even rows: 0).
  @inline(__always) func rowOffset(_ row: Int) -> Double { row & 1 == 1 ? spacing / 2 : 0 }

  /// The centre of hexagon (column, row).
  public func centre(column: Int, row: Int) -> SIMD2<Double> {
    SIMD2(Double(column) * spacing + rowOffset(row), Double(row) * 1.5 * radius)
  }

  /// The six corners of hexagon (column, row), counter-clockwise from the lower right.
  public func vertices(column: Int, row: Int) -> [SIMD2<Double>] {
    let c = centre(column: column, row: row)
    let r = radius
    let h = spacing / 2
    return [
      SIMD2(c.x + h, c.y - r / 2), SIMD2(c.x + h, c.y + r / 2), SIMD2(c.x, c.y + r),
      SIMD2(c.x - h, c.y + r / 2), SIMD2(c.x - h, c.y - r / 2), SIMD2(c.x, c.y - r),
    ]
  }

  /// The hexagons whose bounds meet `box`, as (column, row) pairs, row by row.
  public func cells(covering box: Envelope) -> [(column: Int, row: Int)] {
    let r = radius
    let rowLow = Int(((box.minY - r) / (1.5 * r)).rounded(.down))
    let rowHigh = Int(((box.maxY + r) / (1.5 * r)).rounded(.up))
    var cells: [(Int, Int)] = []
    for row in rowLow...rowHigh {
      let y = Double(row) * 1.5 * r
      guard y + r > box.minY, y - r < box.maxY else { continue }
      let offset = rowOffset(row)
      let low = Int(((box.minX - offset + spacing / 2) / spacing).rounded(.down))
      let high = Int(((box.maxX - offset - spacing / 2) / spacing).rounded(.up))
      for column in low...max(low, high) { cells.append((column, row)) }
    }
    return cells
  }
}
