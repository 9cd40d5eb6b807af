/// A key of `IndexTable`: equal keys must give equal `mixedHash` values.
protocol FlatKey: Equatable {
  /// The key's bits mixed into 64 bits.
  var mixedHash: UInt64 { get }
}

/// Two words mixed into one: a multiply and fold in the manner of splitmix64.
@inline(__always)
private func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
  var h = (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &+ 0x632B_E59B_D9B4_E019)
  h = (h ^ (h >> 31)) &* 0xD6E8_FEB8_6659_FD93
  return h ^ (h >> 32)
}

/// The bits of a coordinate, with -0.0 taken as 0.0 (they are equal).
@inline(__always)
private func bits(_ value: Double) -> UInt64 { (value + 0).bitPattern }

extension SIMD2: FlatKey where Scalar == Double {
  var mixedHash: UInt64 { mix(bits(x), bits(y)) }
}

extension SIMD4: FlatKey where Scalar == Double {
  var mixedHash: UInt64 { mix(mix(bits(x), bits(y)), mix(bits(z), bits(w))) }
}

/// Two 64-bit words as one key (a kind and a value's bits), for `IndexTable`.
struct WordPair: FlatKey {
  var first: UInt64
  var second: UInt64
  var mixedHash: UInt64 { mix(first, second) }
}

/// A cell of a square grid, for `IndexTable`.
struct GridCell: FlatKey, Hashable {
  var x: Int64
  var y: Int64
  var mixedHash: UInt64 { mix(UInt64(bitPattern: x), UInt64(bitPattern: y)) }
}

/// A hash set of 32-bit indices into an array kept outside it, looked up by a key
/// computed from each index (a vertex's point, the grid cell of a chain's first
/// vertex, an arc's first two points), open-addressed with linear probing and a
/// cheap multiplicative hash of the keys' bits.
///
/// Written here because Swift's `Dictionary` and `Set` hash every key with seeded
/// SipHash: building the shared borders of 105,000 grid cells (noding, junctions,
/// the arc table) does about three million look-ups, and `perf` showed the hasher's
/// set-up alone as a fifth of that phase (`docs/FINDINGS.md`, 2026-12-05). It takes
/// 4 bytes a slot, where a table of the keys themselves took 32 to 48 (points,
/// pairs of points with their value) and one of points with their neighbours 64: on
/// 8,750 communes of 1.5 million vertices such tables' growth peaked at 201 MB, and
/// on 550,000 grid cells the arc table's at about 300 MB (heaptrack). The keys are
/// stored once, in the caller's array. Equal keys hash alike (-0.0 as 0.0); the
/// table never shrinks.
struct IndexTable {
  private var slots: [Int32]
  /// The number of indices stored.
  private(set) var count = 0

  /// An empty table with room for about `capacity` indices before it grows.
  init(capacity: Int = 0) {
    var size = 16
    while size < 2 * capacity { size <<= 1 }
    slots = [Int32](repeating: -1, count: size)
  }

  /// The slot holding the index whose key is `key`, or the empty slot where it would go.
  @inline(__always)
  private func slot<Key: FlatKey>(_ key: Key, _ keyOf: (Int32) -> Key) -> Int {
    let mask = slots.count - 1
    var index = Int(truncatingIfNeeded: key.mixedHash) & mask
    while slots[index] >= 0 && keyOf(slots[index]) != key { index = (index + 1) & mask }
    return index
  }

  /// The stored index whose key is `key`, if any; `keyOf` gives the key of a stored index.
  @inline(__always)
  func find<Key: FlatKey>(_ key: Key, keyOf: (Int32) -> Key) -> Int32? {
    let stored = slots[slot(key, keyOf)]
    return stored >= 0 ? stored : nil
  }

  /// Stores `index`, whose key is `key`, unless an index with that key is stored;
  /// returns the index stored for the key (the earlier one, or `index`).
  @discardableResult
  mutating func insert<Key: FlatKey>(_ index: Int32, key: Key, keyOf: (Int32) -> Key) -> Int32 {
    precondition(index >= 0, "IndexTable stores indices from 0")
    let position = slot(key, keyOf)
    if slots[position] >= 0 { return slots[position] }
    slots[position] = index
    count += 1
    if 2 * count > slots.count {
      let old = slots
      slots = [Int32](repeating: -1, count: old.count * 2)
      for kept in old where kept >= 0 { slots[slot(keyOf(kept), keyOf)] = kept }
    }
    return index
  }
}
