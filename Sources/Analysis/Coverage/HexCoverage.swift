import GeoCore

/// Exact area of a polygon in every pointy-top hexagon it touches.
///
/// Each hexagon row is a horizontal band `[cy - R, cy + R]`; inside a band,
/// neighbouring hexagons of the row are separated by vertical lines, so the
/// polygon is clipped to the band, split column by column like `LatticeCoverage`,
/// and each column piece is clipped by its hexagon (convex) to get the exact area.
enum HexCoverage {
  /// Calls `emit(column, row, area)` for every hexagon where the area is positive.
  /// Calls `emit(column, row, area)` for every hexagon where the area is
  /// positive; with `rows`, for the hexagons of those rows only (with the same
  /// areas: each row is clipped on its own).
  static func cover(
    _ polygon: PolygonRings, on grid: HexGrid, rows window: ClosedRange<Int>? = nil,
    emit: (Int, Int, Double) -> Void
  ) {
    guard let first = Clipping.bounds(polygon.rings) else { return }
    // Work near (0, 0) (see LatticeCoverage): move by the centre of a hexagon of an
    // even row, which keeps the parity of rows and so the same grid.
    var row0 = Int((first.min.y / (1.5 * grid.radius)).rounded(.down))
    row0 -= row0 & 1
    let column0 = Int((first.min.x / grid.spacing).rounded(.down))
    let origin = grid.centre(column: column0, row: row0)
    let local = PolygonRings(oriented: polygon.rings.map { ring in ring.map { $0 - origin } })
    let localWindow = window.map { ($0.lowerBound - row0)...($0.upperBound - row0) }
    coverLocal(local, on: grid, rows: localWindow) { column, row, area in
      emit(column + column0, row + row0, area)
    }
  }

  private static func coverLocal(
    _ polygon: PolygonRings, on grid: HexGrid, rows window: ClosedRange<Int>?,
    emit: (Int, Int, Double) -> Void
  ) {
    guard let bounds = Clipping.bounds(polygon.rings) else { return }
    let radius = grid.radius
    let rowStep = 1.5 * radius
    var rowLow = Int(((bounds.min.y - radius) / rowStep).rounded(.down))
    var rowHigh = Int(((bounds.max.y + radius) / rowStep).rounded(.up))
    if let window {
      rowLow = max(rowLow, window.lowerBound)
      rowHigh = min(rowHigh, window.upperBound)
    }
    guard rowLow <= rowHigh else { return }
    for row in rowLow...rowHigh {
      let centreY = Double(row) * rowStep
      var band = Clipping.clip(polygon.rings, axis: 1, value: centreY - radius, keepAbove: true)
      if band.isEmpty { continue }
      band = Clipping.clip(band, axis: 1, value: centreY + radius, keepAbove: false)
      guard let pieceBounds = Clipping.bounds(band) else { continue }
      let offset = grid.rowOffset(row)
      let spacing = grid.spacing
      let low = Int(((pieceBounds.min.x - offset + spacing / 2) / spacing).rounded(.down))
      let high = Int(((pieceBounds.max.x - offset + spacing / 2) / spacing).rounded(.down))
      split(band, row, low, high, grid, emit)
    }
  }

  private static func split(
    _ rings: [[SIMD2<Double>]], _ row: Int, _ low: Int, _ high: Int, _ grid: HexGrid,
    _ emit: (Int, Int, Double) -> Void
  ) {
    if low >= high {
      let area = Clipping.area(of: rings, inside: grid.vertices(column: low, row: row))
      if area > 0 { emit(low, row, area) }
      return
    }
    let middle = (low + high) >> 1
    // The vertical edge shared by hexagons `middle` and `middle + 1` of this row.
    let line = grid.centre(column: middle, row: row).x + grid.spacing / 2
    let left = Clipping.clip(rings, axis: 0, value: line, keepAbove: false)
    if !left.isEmpty { split(left, row, low, middle, grid, emit) }
    let right = Clipping.clip(rings, axis: 0, value: line, keepAbove: true)
    if !right.isEmpty { split(right, row, middle + 1, high, grid, emit) }
  }
}
