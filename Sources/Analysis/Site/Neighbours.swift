import GEOSKit
import GeoCore

/// Queen contiguity of a scale's targets (those that share at least a point),
/// by row index, held compactly.
///
/// Grid cells keep no lists: their neighbours are the cells around them,
/// found in a table of row indices over the cells' box (4 bytes a box cell).
/// Polygons keep every list in one array. A list of `Int`s per target
/// (about 110 bytes a cell with its header) was the second largest block of
/// `analyze`'s memory at a million cells, held for the scale's table and again
/// for each shifted placement of a square grid.
public struct NeighbourGraph: Sendable {
  private enum Storage: Sendable {
    /// Grid cells: `index[(row - rows.lowerBound) * width + column -
    /// columns.lowerBound]` is a cell's row index, or -1 where there is no cell.
    case lattice(
      keys: [TargetKey], index: [Int32], columns: ClosedRange<Int>, rows: ClosedRange<Int>,
      hexagonal: Bool)
    /// The neighbours of target `i` are `targets[offsets[i]..<offsets[i + 1]]`.
    case lists(offsets: [Int], targets: [Int32])
  }

  private let storage: Storage
  /// The number of targets.
  public let count: Int

  /// The graph of `lists`: the neighbours of target `i` are `lists[i]`.
  public init(lists: [[Int]]) {
    var offsets = [0]
    offsets.reserveCapacity(lists.count + 1)
    var targets: [Int32] = []
    targets.reserveCapacity(lists.reduce(0) { $0 + $1.count })
    for list in lists {
      targets.append(contentsOf: list.lazy.map { Int32($0) })
      offsets.append(targets.count)
    }
    storage = .lists(offsets: offsets, targets: targets)
    count = lists.count
  }

  private init(storage: Storage, count: Int) {
    self.storage = storage
    self.count = count
  }

  /// Grid cells' graph: a table of row indices over the cells' box, or lists
  /// when the cells are scattered over a box much larger than their number
  /// (far-apart islands).
  private static func lattice(_ keys: [TargetKey], hexagonal: Bool) -> NeighbourGraph {
    guard let first = keys.first else { return NeighbourGraph(lists: []) }
    var columns = first.column...first.column
    var rows = first.row...first.row
    for key in keys {
      columns = min(columns.lowerBound, key.column)...max(columns.upperBound, key.column)
      rows = min(rows.lowerBound, key.row)...max(rows.upperBound, key.row)
    }
    let size = columns.count.multipliedReportingOverflow(by: rows.count)
    guard !size.overflow, size.partialValue <= 4 * keys.count + 4096,
      keys.count < Int(Int32.max)
    else {
      var position: [TargetKey: Int] = [:]
      for (index, key) in keys.enumerated() { position[key] = index }
      return NeighbourGraph(
        lists: keys.map { key in
          offsets(of: key, hexagonal: hexagonal).compactMap {
            position[TargetKey(column: key.column + $0.0, row: key.row + $0.1)]
          }
        })
    }
    var index = [Int32](repeating: -1, count: size.partialValue)
    for (position, key) in keys.enumerated() {
      index[(key.row - rows.lowerBound) * columns.count + key.column - columns.lowerBound] =
        Int32(position)
    }
    return NeighbourGraph(
      storage: .lattice(
        keys: keys, index: index, columns: columns, rows: rows, hexagonal: hexagonal),
      count: keys.count)
  }

  /// Square cells: the eight around each.
  public static func squares(_ keys: [TargetKey]) -> NeighbourGraph {
    lattice(keys, hexagonal: false)
  }

  /// Pointy-top hexagons: the six around each (odd rows shifted right).
  public static func hexagons(_ keys: [TargetKey]) -> NeighbourGraph {
    lattice(keys, hexagonal: true)
  }

  /// Any polygons (`nil`: no geometry, no neighbours): those that intersect,
  /// found through an STR tree.
  /// - Throws: `GEOSError`.
  public static func polygons(_ geometries: [PolygonalShape?]) throws -> NeighbourGraph {
    let shapes = try geometries.map(Geometry.polygonalOrEmpty)
    let tree = STRTree(
      envelopes: shapes.map {
        $0.envelope ?? Envelope(minX: .infinity, minY: .infinity, maxX: .infinity, maxY: .infinity)
      })
    return NeighbourGraph(
      lists: try shapes.enumerated().map { position, shape in
        guard let envelope = shape.envelope else { return [] }
        let prepared = try PreparedGeometry(shape)
        return try tree.query(envelope).filter { other in
          guard other != position else { return false }
          return try prepared.intersects(shapes[other])
        }
      })
  }

  /// The (column, row) steps to a cell's neighbours, in the order they are visited.
  private static func offsets(of key: TargetKey, hexagonal: Bool) -> [(Int, Int)] {
    guard hexagonal else { return squareSteps }
    return key.row & 1 == 1 ? oddRowSteps : evenRowSteps
  }

  private static let squareSteps = [
    (-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1),
  ]
  private static let oddRowSteps = [(-1, 0), (1, 0), (0, -1), (1, -1), (0, 1), (1, 1)]
  private static let evenRowSteps = [(-1, 0), (1, 0), (-1, -1), (0, -1), (-1, 1), (0, 1)]

  /// Calls `body` with each neighbour of target `index`, always in the same
  /// order; a target past `count` has none.
  public func forEachNeighbour(of index: Int, _ body: (Int) -> Void) {
    guard index >= 0, index < count else { return }
    switch storage {
    case .lists(let offsets, let targets):
      for position in offsets[index]..<offsets[index + 1] { body(Int(targets[position])) }
    case .lattice(let keys, let table, let columns, let rows, let hexagonal):
      let key = keys[index]
      for (dx, dy) in Self.offsets(of: key, hexagonal: hexagonal) {
        let column = key.column + dx
        let row = key.row + dy
        guard columns.contains(column), rows.contains(row) else { continue }
        let found = table[(row - rows.lowerBound) * columns.count + column - columns.lowerBound]
        if found >= 0 { body(Int(found)) }
      }
    }
  }

  /// The neighbours of target `index`, in the order `forEachNeighbour` visits them.
  public func neighbours(of index: Int) -> [Int] {
    var found: [Int] = []
    forEachNeighbour(of: index) { found.append($0) }
    return found
  }
}
