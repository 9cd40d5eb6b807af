/// A hash table for coordinate keys (points, pairs of points, grid cells),
/// open-addressed with linear probing and a cheap multiplicative hash of the
/// keys' bits. The shared borders' arc index uses it; the tables of distinct
/// points are `IndexTable`s, which store indices instead of keys.
///
/// Written here because Swift's `Dictionary` and `Set` hash every key with seeded
/// SipHash: building the shared borders of 105,000 grid cells (noding, junctions,
/// the arc table) does about three million look-ups, and `perf` showed the hasher's
/// set-up alone as a fifth of that phase. With this table the phase went from
/// 0.59 s to 0.38 s (`docs/FINDINGS.md`, 2026-12-05). Keys are compared with `==`
/// and hashed so that equal keys hash alike (-0.0 as 0.0); the table never shrinks.
struct FlatTable<Key: FlatKey, Value> {
  private var entries: [(key: Key, value: Value)?]
  private var mask: Int
  /// The number of keys stored.
  private(set) var count = 0

  /// An empty table with room for about `capacity` keys before it grows.
  init(capacity: Int = 0) {
    var size = 16
    while size < 2 * capacity { size <<= 1 }
    entries = Array(repeating: nil, count: size)
    mask = size - 1
  }

  /// The slot holding `key`, or the empty slot where it would go.
  private func slot(_ key: Key) -> Int {
    var index = Int(truncatingIfNeeded: key.mixedHash) & mask
    while let entry = entries[index] {
      if entry.key == key { return index }
      index = (index + 1) & mask
    }
    return index
  }

  /// The value stored for `key`; assigning stores or replaces it.
  subscript(key: Key) -> Value? {
    get { entries[slot(key)]?.value }
    set {
      guard let newValue else { preconditionFailure("FlatTable does not remove keys") }
      let index = slot(key)
      if entries[index] != nil {
        entries[index]!.value = newValue
        return
      }
      entries[index] = (key, newValue)
      count += 1
      if 2 * count > entries.count { grow() }
    }
  }

  /// Whether `key` is stored.
  func contains(_ key: Key) -> Bool { entries[slot(key)] != nil }

  private mutating func grow() {
    let old = entries
    entries = Array(repeating: nil, count: old.count * 2)
    mask = entries.count - 1
    for case let entry? in old { entries[slot(entry.key)] = entry }
  }
}

/// A key of `FlatTable`: equal keys must give equal `mixedHash` values.
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

/// A cell of a square grid, for `FlatTable`.
struct GridCell: FlatKey, Hashable {
  var x: Int64
  var y: Int64
  var mixedHash: UInt64 { mix(UInt64(bitPattern: x), UInt64(bitPattern: y)) }
}

/// A hash set of 32-bit indices into an array kept outside it, looked up by a key
/// computed from each index (a vertex's point, the grid cell of a chain's first
/// vertex), open-addressed with linear probing like `FlatTable`.
///
/// It takes 4 bytes a slot, where a `FlatTable` of points takes 32 and one of
/// points with their neighbours 64: on 8,750 communes of 1.5 million vertices the
/// coverage tables' growth peaked at 201 MB (heaptrack); their points are stored
/// once, in the caller's array, and the table holds indices into it.
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
