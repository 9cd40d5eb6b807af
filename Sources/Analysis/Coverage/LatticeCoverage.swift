import GeoCore

/// A lattice of equal rectangles: cell (column, row) covers
/// `[originX + column·width, originX + (column+1)·width) × [originY + row·height, ...)`.
/// Square grids use origin (0, 0) so that cells of different sizes nest; a
/// north-up raster is a lattice whose origin is its lower-left corner.
public struct CellLattice: Sendable, Hashable {
  /// x of the left edge of column 0.
  public var originX: Double
  /// y of the bottom edge of row 0.
  public var originY: Double
  /// Cell width (> 0).
  public var width: Double
  /// Cell height (> 0).
  public var height: Double

  /// Creates a lattice.
  public init(originX: Double = 0, originY: Double = 0, width: Double, height: Double) {
    self.originX = originX
    self.originY = originY
    self.width = width
    self.height = height
  }

  /// The column holding `x` (cells are closed on the left).
  @inline(__always) public func column(of x: Double) -> Int {
    Int(((x - originX) / width).rounded(.down))
  }
  /// The row holding `y` (cells are closed at the bottom).
  @inline(__always) public func row(of y: Double) -> Int {
    Int(((y - originY) / height).rounded(.down))
  }
  /// x of the left edge of `column`.
  @inline(__always) public func x(_ column: Int) -> Double { originX + Double(column) * width }
  /// y of the bottom edge of `row`.
  @inline(__always) public func y(_ row: Int) -> Double { originY + Double(row) * height }
}

/// Exact area of a polygon in every cell of a lattice it touches.
///
/// The polygon's rings are split in two by a grid line, recursively (rows first,
/// then columns), with Sutherland-Hodgman clipping, until one cell is left; the
/// signed area of what remains is the exact area of polygon ∩ cell. The work is
/// about (vertices · log(rows)) + (vertices in a row · log(columns)): cells deep
/// inside a large polygon cost almost nothing, unlike one polygon intersection
/// per cell. (The exactextract project sweeps polygon boundaries across grid rows
/// for the same reason; this bisection gets the same exact answer with a few
/// dozen lines.)
enum LatticeCoverage {
  /// Calls `emit(column, row, area)` for every cell where the area is positive;
  /// with `rows`, for the cells of those rows only. A row's areas are the same
  /// with or without the window (the bisection is the same; only the branches
  /// outside the window are skipped), so a polygon can be covered stripe by stripe.
  static func cover(
    _ polygon: PolygonRings, on lattice: CellLattice, rows window: ClosedRange<Int>? = nil,
    emit: (Int, Int, Double) -> Void
  ) {
    guard let bounds = Clipping.bounds(polygon.rings) else { return }
    // Work near (0, 0): moving the rings by the corner of their first cell is an
    // exact subtraction, and crossing points then carry rounding of about 1e-12 m
    // instead of 1e-9 m at UTM northings of 9,000 km.
    let column0 = lattice.column(of: bounds.min.x)
    let row0 = lattice.row(of: bounds.min.y)
    let origin = SIMD2(lattice.x(column0), lattice.y(row0))
    let local = polygon.rings.map { ring in ring.map { $0 - origin } }
    let localLattice = CellLattice(width: lattice.width, height: lattice.height)
    let rowHigh = lattice.row(of: bounds.max.y) - row0
    let localWindow = window.map { ($0.lowerBound - row0)...($0.upperBound - row0) }
    if let localWindow, !localWindow.overlaps(0...rowHigh) { return }
    splitRows(local, 0, rowHigh, localLattice, localWindow) { column, row, area in
      emit(column + column0, row + row0, area)
    }
  }

  private static func splitRows(
    _ rings: [[SIMD2<Double>]], _ low: Int, _ high: Int, _ lattice: CellLattice,
    _ window: ClosedRange<Int>?, _ emit: (Int, Int, Double) -> Void
  ) {
    if low >= high {
      guard let bounds = Clipping.bounds(rings) else { return }
      splitColumns(
        rings, low, lattice.column(of: bounds.min.x), lattice.column(of: bounds.max.x), lattice,
        emit)
      return
    }
    let middle = (low + high) >> 1
    let line = lattice.y(middle + 1)
    if window?.overlaps(low...middle) ?? true {
      let below = Clipping.clip(rings, axis: 1, value: line, keepAbove: false)
      if !below.isEmpty { splitRows(below, low, middle, lattice, window, emit) }
    }
    if window?.overlaps((middle + 1)...high) ?? true {
      let above = Clipping.clip(rings, axis: 1, value: line, keepAbove: true)
      if !above.isEmpty { splitRows(above, middle + 1, high, lattice, window, emit) }
    }
  }

  private static func splitColumns(
    _ rings: [[SIMD2<Double>]], _ row: Int, _ low: Int, _ high: Int, _ lattice: CellLattice,
    _ emit: (Int, Int, Double) -> Void
  ) {
    if low >= high {
      let area = signedArea(rings, origin: SIMD2(lattice.x(low), lattice.y(row)))
      if area > 0 { emit(low, row, area) }
      return
    }
    // A piece that fills its whole run of cells fills each of them: the piece
    // lies inside the run (the cuts that made it bound it), so an area equal to
    // the run's, to rounding, leaves no room for a gap. Cells inside a large
    // polygon then cost one area each instead of a cut per level (zonal
    // statistics of 2,187 communes over 25 m pixels, one core: 12.8 -> 4.2 s).
    let cellArea = lattice.width * lattice.height
    let runArea = Double(high - low + 1) * cellArea
    if signedArea(rings, origin: SIMD2(lattice.x(low), lattice.y(row))) >= runArea * (1 - 1e-12) {
      for column in low...high { emit(column, row, cellArea) }
      return
    }
    let middle = (low + high) >> 1
    let line = lattice.x(middle + 1)
    let left = Clipping.clip(rings, axis: 0, value: line, keepAbove: false)
    if !left.isEmpty { splitColumns(left, row, low, middle, lattice, emit) }
    let right = Clipping.clip(rings, axis: 0, value: line, keepAbove: true)
    if !right.isEmpty { splitColumns(right, row, middle + 1, high, lattice, emit) }
  }
}
