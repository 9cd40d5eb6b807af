import Foundation
import GDALKit

@testable import Tiles

/// A small MVT and PMTiles reader written from the specifications for the tests,
/// separate from the writers (the Python checks in Scripts/check_tiles.py use
/// the reference decoders).
enum TileDecoding {
  struct Feature {
    var id: UInt64?
    var type: Int
    var tags: [Int]
    /// Rings or lines in tile units; points as one-point parts.
    var parts: [[SIMD2<Int64>]]
    var properties: [String: String]
  }

  struct Layer {
    var name = ""
    var extent = 4096
    var version = 1
    var features: [Feature] = []
  }

  struct Reader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position >= bytes.count }

    mutating func varint() -> UInt64 {
      var result: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        let byte = bytes[position]
        position += 1
        result |= UInt64(byte & 0x7F) << shift
        if byte < 0x80 { return result }
        shift += 7
      }
    }

    mutating func field() -> (number: Int, wire: Int) {
      let key = varint()
      return (Int(key >> 3), Int(key & 7))
    }

    mutating func slice() -> [UInt8] {
      let length = Int(varint())
      defer { position += length }
      return Array(bytes[position..<position + length])
    }

    mutating func fixed64() -> UInt64 {
      var value: UInt64 = 0
      for k in 0..<8 { value |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
      position += 8
      return value
    }

    mutating func skip(_ wire: Int) {
      switch wire {
      case 0: _ = varint()
      case 1: position += 8
      case 2: _ = slice()
      default: position += 4
      }
    }
  }

  static func unzigzag(_ value: UInt64) -> Int64 { Int64(value >> 1) ^ -Int64(value & 1) }

  static func packed(_ bytes: [UInt8]) -> [UInt64] {
    var reader = Reader(bytes)
    var values: [UInt64] = []
    while !reader.atEnd { values.append(reader.varint()) }
    return values
  }

  /// Decodes a tile (not gzip-compressed).
  static func decode(_ tile: [UInt8]) -> [Layer] {
    var reader = Reader(tile)
    var layers: [Layer] = []
    while !reader.atEnd {
      let (number, wire) = reader.field()
      guard number == 3, wire == 2 else {
        reader.skip(wire)
        continue
      }
      layers.append(layer(reader.slice()))
    }
    return layers
  }

  private static func layer(_ bytes: [UInt8]) -> Layer {
    var reader = Reader(bytes)
    var result = Layer()
    var keys: [String] = []
    var values: [String] = []
    var raw: [[UInt8]] = []
    while !reader.atEnd {
      let (number, wire) = reader.field()
      switch (number, wire) {
      case (15, 0): result.version = Int(reader.varint())
      case (1, 2): result.name = String(decoding: reader.slice(), as: UTF8.self)
      case (2, 2): raw.append(reader.slice())
      case (3, 2): keys.append(String(decoding: reader.slice(), as: UTF8.self))
      case (4, 2): values.append(value(reader.slice()))
      case (5, 0): result.extent = Int(reader.varint())
      default: reader.skip(wire)
      }
    }
    result.features = raw.map { feature($0, keys, values) }
    return result
  }

  private static func value(_ bytes: [UInt8]) -> String {
    var reader = Reader(bytes)
    let (number, wire) = reader.field()
    switch (number, wire) {
    case (1, 2): return String(decoding: reader.slice(), as: UTF8.self)
    case (3, 1): return "\(Double(bitPattern: reader.fixed64()))"
    case (4, 0): return "\(Int64(bitPattern: reader.varint()))"
    case (5, 0): return "\(reader.varint())"
    case (6, 0): return "\(unzigzag(reader.varint()))"
    case (7, 0): return reader.varint() == 1 ? "true" : "false"
    default: return "?"
    }
  }

  private static func feature(_ bytes: [UInt8], _ keys: [String], _ values: [String]) -> Feature {
    var reader = Reader(bytes)
    var result = Feature(id: nil, type: 0, tags: [], parts: [], properties: [:])
    var commands: [UInt64] = []
    while !reader.atEnd {
      let (number, wire) = reader.field()
      switch (number, wire) {
      case (1, 0): result.id = reader.varint()
      case (2, 2): result.tags = packed(reader.slice()).map { Int($0) }
      case (3, 0): result.type = Int(reader.varint())
      case (4, 2): commands = packed(reader.slice())
      default: reader.skip(wire)
      }
    }
    for k in stride(from: 0, to: result.tags.count, by: 2) {
      result.properties[keys[result.tags[k]]] = values[result.tags[k + 1]]
    }
    var cursor = SIMD2<Int64>(0, 0)
    var index = 0
    var current: [SIMD2<Int64>] = []
    while index < commands.count {
      let command = commands[index] & 7
      let count = Int(commands[index] >> 3)
      index += 1
      if command == 7 {
        result.parts.append(current)
        current = []
        continue
      }
      for _ in 0..<count {
        cursor &+= SIMD2(unzigzag(commands[index]), unzigzag(commands[index + 1]))
        index += 2
        if command == 1 && !current.isEmpty {
          result.parts.append(current)
          current = []
        }
        current.append(cursor)
      }
    }
    if !current.isEmpty { result.parts.append(current) }
    return result
  }

  /// Twice the signed area (surveyor's formula, y down: positive = clockwise on screen).
  static func doubledArea(_ ring: [SIMD2<Int64>]) -> Int64 {
    var sum: Int64 = 0
    for k in ring.indices {
      let a = ring[k]
      let b = ring[(k + 1) % ring.count]
      sum += a.x * b.y - b.x * a.y
    }
    return sum
  }

  // MARK: PMTiles

  /// All entries of an archive read once, for looking up many tiles.
  struct PMTilesIndex {
    let archive: PMTiles
    let entries: [(UInt64, UInt64, UInt64, UInt64)]

    init(_ archive: PMTiles) throws {
      self.archive = archive
      entries = try archive.allEntries()
    }

    /// The stored bytes of tile `id` (binary search over the entries).
    func tile(_ id: UInt64) -> [UInt8]? {
      var low = 0
      var high = entries.count
      while low < high {
        let middle = (low + high) / 2
        if entries[middle].0 <= id { low = middle + 1 } else { high = middle }
      }
      guard low > 0 else { return nil }
      let entry = entries[low - 1]
      guard id < entry.0 + entry.3 else { return nil }
      let start = archive.dataOffset + Int(entry.1)
      return Array(archive.data[start..<start + Int(entry.2)])
    }
  }

  struct PMTiles {
    let data: [UInt8]

    func u64(_ offset: Int) -> UInt64 {
      (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[offset + $1]) << (8 * UInt64($1)) }
    }

    var rootOffset: Int { Int(u64(8)) }
    var rootLength: Int { Int(u64(16)) }
    var metadataOffset: Int { Int(u64(24)) }
    var metadataLength: Int { Int(u64(32)) }
    var leafOffset: Int { Int(u64(40)) }
    var dataOffset: Int { Int(u64(56)) }
    var addressedTiles: Int { Int(u64(72)) }

    /// Directory entries: (tile id, offset, length, run length).
    func directory(at offset: Int, length: Int) throws -> [(UInt64, UInt64, UInt64, UInt64)] {
      let bytes = try Gzip.decompress(Array(data[offset..<offset + length]))
      var reader = Reader(bytes)
      let count = Int(reader.varint())
      var ids: [UInt64] = []
      var last: UInt64 = 0
      for _ in 0..<count {
        last += reader.varint()
        ids.append(last)
      }
      let runs = (0..<count).map { _ in reader.varint() }
      let lengths = (0..<count).map { _ in reader.varint() }
      var offsets: [UInt64] = []
      for k in 0..<count {
        let value = reader.varint()
        offsets.append(value == 0 && k > 0 ? offsets[k - 1] + lengths[k - 1] : value - 1)
      }
      return (0..<count).map { (ids[$0], offsets[$0], lengths[$0], runs[$0]) }
    }

    /// Every entry of every directory, leaves resolved, in tile-id order.
    func allEntries() throws -> [(UInt64, UInt64, UInt64, UInt64)] {
      try directory(at: rootOffset, length: rootLength).flatMap { entry in
        entry.3 == 0
          ? try directory(at: leafOffset + Int(entry.1), length: Int(entry.2)) : [entry]
      }
    }

    var metadata: String {
      get throws {
        String(
          decoding: try Gzip.decompress(
            Array(data[metadataOffset..<metadataOffset + metadataLength])),
          as: UTF8.self)
      }
    }
  }
}
