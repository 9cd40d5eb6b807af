import GeoCore

/// How much one tile may hold, and which extensive fields carry what is dropped.
public struct TileLimits: Sendable, Equatable {
  /// The largest tile as stored (after gzip in archives), in bytes.
  public var maxBytes: Int
  /// The most features one tile may hold, all layers together.
  public var maxFeatures: Int
  /// Fields (by layer name, field name) whose values of dropped features are added
  /// to the nearest kept feature of the same layer in the same tile.
  public var accumulate: [AccumulatedField]

  /// The defaults: 500 KiB and 200,000 features, nothing accumulated.
  public init(
    maxBytes: Int = 500 * 1024, maxFeatures: Int = 200_000, accumulate: [AccumulatedField] = []
  ) {
    self.maxBytes = maxBytes
    self.maxFeatures = maxFeatures
    self.accumulate = accumulate
  }
}

/// One field summed onto kept features (`--accumulate FIELD:sum`).
public struct AccumulatedField: Sendable, Equatable {
  /// The field's name, looked up in every layer that has it.
  public var field: String

  /// A field to sum.
  public init(field: String) { self.field = field }
}

/// One feature's piece in a tile while the tile is assembled.
struct TilePiece {
  var layer: Int
  /// The feature id written.
  var id: Int64
  var shape: TileShape?
  var anchor: SIMD2<Double>
  var size: Double
  var attributes: TileAttributeRow
  /// Rounding broke it and GEOS repaired it.
  var repaired = false
  /// A dust square (`TileDust`): it yields to the drawn polygons of its layer.
  var dust = false
}

/// Sheds the smallest pieces of a tile until it fits, and carries summed fields.
enum TileShedding {
  /// Keeps the largest pieces, at most `count` of them; returns (kept, dropped).
  static func keepLargest(_ pieces: [TilePiece], count: Int) -> ([TilePiece], [TilePiece]) {
    let (kept, dropped) = split(pieces, keeping: ranked(pieces).prefix(count))
    return (kept, dropped)
  }

  /// The pieces at `keeping` (indices), in the pieces' order, without the others.
  static func taken(
    _ pieces: [TilePiece], keeping: ArraySlice<Int>
  ) -> LazyMapSequence<LazyFilterSequence<Range<Int>>, TilePiece> {
    let keep = mask(pieces.count, keeping)
    return pieces.indices.lazy.filter { keep[$0] }.map { pieces[$0] }
  }

  /// For each of `count` indices, whether it is among `keeping`.
  private static func mask(_ count: Int, _ keeping: ArraySlice<Int>) -> [Bool] {
    var keep = [Bool](repeating: false, count: count)
    for index in keeping { keep[index] = true }
    return keep
  }

  /// The pieces' indices from the largest to the smallest (the first of equal ones first).
  static func ranked(_ pieces: [TilePiece]) -> [Int] {
    pieces.indices.sorted {
      pieces[$0].size != pieces[$1].size ? pieces[$0].size > pieces[$1].size : $0 < $1
    }
  }

  /// The pieces at `keeping` (indices) and the others, each in the pieces' order.
  static func split(
    _ pieces: [TilePiece], keeping: ArraySlice<Int>
  ) -> (kept: [TilePiece], dropped: [TilePiece]) {
    let keep = mask(pieces.count, keeping)
    var kept: [TilePiece] = []
    var dropped: [TilePiece] = []
    kept.reserveCapacity(keeping.count)
    dropped.reserveCapacity(pieces.count - keeping.count)
    for (index, piece) in pieces.enumerated() {
      if keep[index] { kept.append(piece) } else { dropped.append(piece) }
    }
    return (kept, dropped)
  }

  /// Adds the values of `fields` (per layer, field indices) of every dropped piece
  /// to the nearest kept piece of the same layer. Returns the total carried and the
  /// total that found no kept piece of its layer in the tile.
  static func carry(
    _ dropped: [TilePiece], onto kept: inout [TilePiece], fields: [[Int]]
  ) -> (carried: Double, lost: Double) {
    var carried = 0.0
    var lost = 0.0
    guard !dropped.isEmpty, fields.contains(where: { !$0.isEmpty }) else { return (0, 0) }
    // A coarse grid of the kept pieces per layer, searched ring by ring outwards.
    let cell = 128.0
    var grids: [Int: [SIMD2<Int>: [Int]]] = [:]
    for (index, piece) in kept.enumerated() where !fields[piece.layer].isEmpty {
      let key = SIMD2(
        Int((piece.anchor.x / cell).rounded(.down)), Int((piece.anchor.y / cell).rounded(.down)))
      grids[piece.layer, default: [:]][key, default: []].append(index)
    }
    for piece in dropped {
      let summed = fields[piece.layer]
      guard !summed.isEmpty else { continue }
      let total = summed.reduce(0.0) { $0 + (piece.attributes[$1].doubleValue ?? 0) }
      guard let grid = grids[piece.layer], let target = nearest(piece.anchor, in: grid, kept, cell)
      else {
        lost += total
        continue
      }
      for field in summed {
        guard let value = piece.attributes[field].doubleValue, value != 0 else { continue }
        kept[target].attributes[field] = sum(
          kept[target].attributes[field], piece.attributes[field])
      }
      carried += total
    }
    return (carried, lost)
  }

  private static func nearest(
    _ point: SIMD2<Double>, in grid: [SIMD2<Int>: [Int]], _ kept: [TilePiece], _ cell: Double
  ) -> Int? {
    let centre = SIMD2(Int((point.x / cell).rounded(.down)), Int((point.y / cell).rounded(.down)))
    var best: (index: Int, distance: Double)?
    for radius in 0..<80 {
      for dx in -radius...radius {
        for dy in -radius...radius where max(abs(dx), abs(dy)) == radius {
          for index in grid[centre &+ SIMD2(dx, dy)] ?? [] {
            let d = kept[index].anchor - point
            let distance = (d * d).sum()
            if best == nil || distance < best!.distance { best = (index, distance) }
          }
        }
      }
      // Every point further out than this ring is at least radius cells away.
      if let best, best.distance <= (Double(radius) * cell) * (Double(radius) * cell) {
        return best.index
      }
    }
    return best?.index
  }

  /// The sum of two values of an accumulated field: integers stay integers, a
  /// missing value adds nothing.
  static func sum(_ a: FieldValue, _ b: FieldValue) -> FieldValue {
    switch (a, b) {
    case (.integer(let x), .integer(let y)): return .integer(x &+ y)
    case (.null, _): return b
    case (_, .null): return a
    default: return .real((a.doubleValue ?? 0) + (b.doubleValue ?? 0))
    }
  }
}
