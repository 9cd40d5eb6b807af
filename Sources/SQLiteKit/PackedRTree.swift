import GeoCore

/// An R-tree packed bottom-up from its entries in Hilbert order, laid out as
/// SQLite's `rtree` module stores a two-dimensional tree in its shadow tables
/// (`<name>_node`, `<name>_rowid`, `<name>_parent`).
///
/// Why it exists: GDAL 3.6 (Debian 12) fills a GeoPackage's spatial index by
/// inserting every row into SQLite's R*-tree one by one, about 10 µs a row; it
/// was 55% of the time of writing 420,000 grid cells to a GeoPackage
/// (`perf`, 2026-12-04). Packing the tree once and writing its nodes costs
/// about 1 µs a row (Scripts/bench-results.md). Later GDAL releases pack their
/// spatial indexes in a similar way.
///
/// The layout, from SQLite's `rtree.c`: node 1 is the root; a node is a blob of
/// the tree's node size, zero-padded, starting with a big-endian 16-bit depth
/// (the root's height above the leaves; 0 in other nodes) and a 16-bit cell
/// count, then per cell a big-endian 64-bit id (a row's id in a leaf, a child
/// node's number above) and min x, max x, min y, max y as big-endian float32,
/// rounded outwards so that each box covers the exact one.
public struct PackedRTree {
  /// One entry: a row id and its box, already rounded to float32.
  public struct Entry: Sendable, Equatable {
    /// The row id.
    public var id: Int64
    /// Min x, max x, min y, max y.
    public var box: (Float, Float, Float, Float)
    /// The Hilbert index of the box's centre, set while packing.
    var key: UInt64 = 0

    /// An entry for the exact box `minX...maxX × minY...maxY`, rounded outwards.
    public init(id: Int64, minX: Double, maxX: Double, minY: Double, maxY: Double) {
      self.id = id
      box = (Self.down(minX), Self.up(maxX), Self.down(minY), Self.up(maxY))
    }

    init(id: Int64, box: (Float, Float, Float, Float)) {
      self.id = id
      self.box = box
    }

    /// Two entries are equal when ids and boxes are.
    public static func == (a: Entry, b: Entry) -> Bool {
      a.id == b.id && a.box.0 == b.box.0 && a.box.1 == b.box.1 && a.box.2 == b.box.2
        && a.box.3 == b.box.3
    }

    /// The largest float32 not above `value`.
    static func down(_ value: Double) -> Float {
      let rounded = Float(value)
      return Double(rounded) > value ? rounded.nextDown : rounded
    }

    /// The smallest float32 not below `value`.
    static func up(_ value: Double) -> Float {
      let rounded = Float(value)
      return Double(rounded) < value ? rounded.nextUp : rounded
    }
  }

  /// The nodes, each with its number and its blob; the root (number 1) first,
  /// then the leaves (numbers 2, 3, ...) in the order of `rows`, then the
  /// levels above them.
  public private(set) var nodes: [(number: Int64, data: [UInt8])] = []
  /// For every node but the root, its number and its parent's.
  public private(set) var parentOfNode: [(node: Int64, parent: Int64)] = []
  /// The entries in the order of the leaves.
  private let rows: [Entry]
  /// The number of leaves below a root that is not itself a leaf (0 when it is).
  private var leafCount = 0

  /// Packs `entries` into nodes of at most `capacity` cells each, `nodeSize`
  /// bytes long. The entries are sorted in place (memory: about 32 bytes an
  /// entry, plus the sort's buffer).
  /// - Precondition: `capacity` ≥ 2 and `nodeSize` ≥ 4 + 24 × `capacity`.
  public init(entries: consuming [Entry], capacity: Int, nodeSize: Int) {
    precondition(capacity >= 2 && nodeSize >= 4 + 24 * capacity, "a node holds its cells")
    Self.sortInHilbertOrder(&entries)
    rows = entries
    var level = rows
    var isLeafLevel = true
    var depth = 0
    var nextNumber: Int64 = 2
    var built: [(number: Int64, data: [UInt8])] = []
    while level.count > capacity {
      let groups = Self.groupCount(level.count, capacity: capacity)
      if isLeafLevel { leafCount = groups }
      var upper: [Entry] = []
      upper.reserveCapacity(groups)
      for group in 0..<groups {
        let cells = level[Self.group(group, of: groups, count: level.count)]
        let number = nextNumber
        nextNumber += 1
        built.append((number, Self.encode(cells, depth: 0, nodeSize: nodeSize)))
        if !isLeafLevel { parentOfNode += cells.map { ($0.id, number) } }
        upper.append(Entry(id: number, box: Self.union(cells)))
      }
      level = upper
      isLeafLevel = false
      depth += 1
    }
    if !isLeafLevel { parentOfNode += level.map { ($0.id, 1) } }
    nodes = [(1, Self.encode(level[...], depth: depth, nodeSize: nodeSize))] + built
  }

  /// Calls `body` with every entry's id and the number of the leaf that holds it.
  public func forEachRow(_ body: (_ id: Int64, _ leaf: Int64) throws -> Void) rethrows {
    guard leafCount > 0 else {
      for row in rows { try body(row.id, 1) }
      return
    }
    for leaf in 0..<leafCount {
      for row in rows[Self.group(leaf, of: leafCount, count: rows.count)] {
        try body(row.id, Int64(leaf) + 2)
      }
    }
  }

  /// The number of entries.
  public var count: Int { rows.count }

  /// Groups of at most `capacity` for `count` items.
  static func groupCount(_ count: Int, capacity: Int) -> Int { (count + capacity - 1) / capacity }

  /// The items of group `group` of `groups` even groups (sizes differ by one
  /// at most, so that no node is nearly empty).
  static func group(_ group: Int, of groups: Int, count: Int) -> Range<Int> {
    (count * group / groups)..<(count * (group + 1) / groups)
  }

  /// The box holding every cell.
  static func union(_ cells: ArraySlice<Entry>) -> (Float, Float, Float, Float) {
    var box = cells[cells.startIndex].box
    for cell in cells.dropFirst() {
      box = (
        min(box.0, cell.box.0), max(box.1, cell.box.1), min(box.2, cell.box.2),
        max(box.3, cell.box.3)
      )
    }
    return box
  }

  /// A node's blob: depth, count, then the cells, big-endian, zero-padded to `nodeSize`.
  static func encode(_ cells: ArraySlice<Entry>, depth: Int, nodeSize: Int) -> [UInt8] {
    var data = [UInt8](repeating: 0, count: nodeSize)
    func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
      withUnsafeBytes(of: value.bigEndian) { bytes in
        for (index, byte) in bytes.enumerated() { data[offset + index] = byte }
      }
    }
    put(UInt16(depth), at: 0)
    put(UInt16(cells.count), at: 2)
    var offset = 4
    for cell in cells {
      put(cell.id, at: offset)
      put(cell.box.0.bitPattern, at: offset + 8)
      put(cell.box.1.bitPattern, at: offset + 12)
      put(cell.box.2.bitPattern, at: offset + 16)
      put(cell.box.3.bitPattern, at: offset + 20)
      offset += 24
    }
    return data
  }

  /// Sorts the entries by the Hilbert index of their boxes' centres (ties by id).
  static func sortInHilbertOrder(_ entries: inout [Entry]) {
    guard entries.count > 1 else { return }
    var minX = Double.infinity
    var minY = Double.infinity
    var maxX = -Double.infinity
    var maxY = -Double.infinity
    for entry in entries {
      let (x, y) = centre(entry)
      // Boxes beyond float32's range (damaged files hold 1e300) have infinite
      // centres: they take the curve's first cell rather than its extent.
      guard x.isFinite, y.isFinite else { continue }
      minX = min(minX, x)
      maxX = max(maxX, x)
      minY = min(minY, y)
      maxY = max(maxY, y)
    }
    let scaleX = scale(from: minX, to: maxX)
    let scaleY = scale(from: minY, to: maxY)
    for index in entries.indices {
      let (x, y) = centre(entries[index])
      entries[index].key = hilbertIndex(
        column: cell(of: x, from: minX, scale: scaleX), row: cell(of: y, from: minY, scale: scaleY))
    }
    entries.sort { ($0.key, $0.id) < ($1.key, $1.id) }
  }

  /// Hilbert cells per unit of a span from `low` to `high` (0 for an empty or unbounded span).
  private static func scale(from low: Double, to high: Double) -> Double {
    let span = high - low
    return span > 0 && span.isFinite ? Double(hilbertSide - 1) / span : 0
  }

  /// The Hilbert cell of `value` along an axis, clamped to the curve's square.
  private static func cell(of value: Double, from low: Double, scale: Double) -> UInt32 {
    let position = ((value - low) * scale).rounded(.down)
    guard position.isFinite, position > 0 else { return 0 }
    return UInt32(min(position, Double(hilbertSide - 1)))
  }

  private static func centre(_ entry: Entry) -> (Double, Double) {
    (
      (Double(entry.box.0) + Double(entry.box.1)) / 2,
      (Double(entry.box.2) + Double(entry.box.3)) / 2
    )
  }

  /// Cells per side of the Hilbert curve's square.
  static let hilbertSide: UInt32 = 1 << 16

  /// The distance along the Hilbert curve of the cell (`column`, `row`) of a
  /// square of `hilbertSide` cells per side.
  static func hilbertIndex(column: UInt32, row: UInt32) -> UInt64 {
    HilbertCurve.position(x: UInt64(column), y: UInt64(row), order: 16)
  }
}
