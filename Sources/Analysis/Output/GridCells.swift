import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// The shape of grid cells.
public enum GridShape: Sendable, Hashable {
  /// Square cells aligned on multiples of the cell size.
  case square(SquareGrid)
  /// Pointy-top hexagons.
  case hexagon(HexGrid)

  /// Cells of `cell` metres (hexagons `cell` apart) in `crs`; squares in
  /// EPSG:3035 carry their INSPIRE identifiers.
  /// - Throws: `AnalysisError.cellSizeNotPositive`, `.workingCRSNotProjected`.
  public init(hexagonal: Bool, cell: Double, crs: CRS) throws(AnalysisError) {
    guard cell > 0, cell.isFinite else { throw .cellSizeNotPositive(value: cell) }
    guard crs.isProjected, crs.axisUnit.hasPrefix("met") else {
      throw .workingCRSNotProjected(crs: crs.description)
    }
    self =
      hexagonal
      ? .hexagon(HexGrid(spacing: cell))
      : .square(SquareGrid(cellSize: cell, inspire: crs.epsgCode == 3035))
  }

  /// The area of one cell.
  public var cellArea: Double {
    switch self {
    case .square(let grid): return grid.cellSize * grid.cellSize
    case .hexagon(let grid): return grid.cellArea
    }
  }

  /// The cell's polygon.
  public func polygon(_ key: TargetKey) throws(GEOSError) -> Geometry {
    switch self {
    case .square(let grid):
      return Geometry.rectangle(grid.envelope(column: key.column, row: key.row))
    case .hexagon(let grid):
      return try Geometry.polygon(rings: [grid.vertices(column: key.column, row: key.row)])
    }
  }

  /// Every cell meeting `box`, in row-major order.
  /// - Throws: `AnalysisError.tooManyCells` before building more than `maximum`.
  public func cells(covering box: Envelope, maximum: Int) throws(AnalysisError) -> [TargetKey] {
    switch self {
    case .square(let grid):
      let range = grid.cells(covering: box)
      let count = Double(range.columns.count) * Double(range.rows.count)
      guard count <= Double(maximum) else { throw .tooManyCells(count: count, maximum: maximum) }
      return range.rows.flatMap { row in range.columns.map { TargetKey(column: $0, row: row) } }
    case .hexagon(let grid):
      let estimate = (box.width / grid.spacing + 2) * (box.height / (1.5 * grid.radius) + 2)
      guard estimate <= Double(maximum) else {
        throw .tooManyCells(count: estimate, maximum: maximum)
      }
      return grid.cells(covering: box).map { TargetKey(column: $0.column, row: $0.row) }
    }
  }

  /// The cells where the layer at `path` has data: cells that its polygons cover
  /// (some area) or that hold one of its points, in row-major order.
  public func cells(whereDataIn path: String, layer: String?, workingCRS: CRS, maximum: Int) throws
    -> [TargetKey]
  {
    let source = try LayerSource(path: path, layer: layer).open()
    var keys = Set<TargetKey>()
    try source.forEachFeature(in: workingCRS) { feature in
      guard let geometry = feature.geometry, !geometry.isEmpty else { return }
      for rings in geometry.polygonRings() {
        let polygon = PolygonRings(rings: rings)
        switch self {
        case .square(let grid):
          LatticeCoverage.cover(polygon, on: grid.lattice) { column, row, _ in
            keys.insert(TargetKey(column: column, row: row))
          }
        case .hexagon(let grid):
          HexCoverage.cover(polygon, on: grid) { column, row, _ in
            keys.insert(TargetKey(column: column, row: row))
          }
        }
      }
      if geometry.type.isPuntal {
        geometry.forEachCoordinate { x, y in
          if let key = cell(containing: SIMD2(x, y)) { keys.insert(key) }
        }
      }
      if keys.count > maximum {
        throw AnalysisError.tooManyCells(count: Double(keys.count), maximum: maximum)
      }
    }
    return keys.sorted()
  }

  /// The cell holding a point (for hexagons, the nearest centre).
  public func cell(containing point: SIMD2<Double>) -> TargetKey? {
    guard point.x.isFinite, point.y.isFinite else { return nil }
    switch self {
    case .square(let grid):
      return TargetKey(column: grid.lattice.column(of: point.x), row: grid.lattice.row(of: point.y))
    case .hexagon(let grid):
      let row = Int((point.y / (1.5 * grid.radius)).rounded())
      var best: TargetKey?
      var bestDistance = Double.infinity
      for candidateRow in (row - 1)...(row + 1) {
        let column = Int(((point.x - grid.rowOffset(candidateRow)) / grid.spacing).rounded())
        for candidateColumn in (column - 1)...(column + 1) {
          let centre = grid.centre(column: candidateColumn, row: candidateRow)
          let d = (centre - point) * (centre - point)
          let distance = d.x + d.y
          if distance < bestDistance {
            bestDistance = distance
            best = TargetKey(column: candidateColumn, row: candidateRow)
          }
        }
      }
      return best
    }
  }
}
