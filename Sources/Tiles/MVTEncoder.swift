import GeoCore

/// Protocol Buffers wire format, the little that MVT needs: varints, zigzag,
/// length-delimited fields.
///
/// Written here rather than with swift-protobuf: the tile schema has four message
/// types, and encoding straight from our cleaned geometry avoids building an
/// intermediate message tree per feature (swift-protobuf also adds its code
/// generator plugin to every clean build).
struct ProtobufWriter {
  private(set) var bytes: [UInt8] = []

  /// An empty writer.
  init() {}

  /// An empty writer with room for `capacity` bytes.
  init(capacity: Int) { bytes.reserveCapacity(capacity) }

  mutating func varint(_ value: UInt64) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(v & 0x7F) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  mutating func key(_ field: UInt64, wireType: UInt64) { varint(field << 3 | wireType) }

  mutating func field(_ field: UInt64, varint value: UInt64) {
    key(field, wireType: 0)
    varint(value)
  }

  mutating func field(_ field: UInt64, bytes data: [UInt8]) {
    key(field, wireType: 2)
    varint(UInt64(data.count))
    bytes.append(contentsOf: data)
  }

  mutating func field(_ field: UInt64, string: String) {
    self.field(field, bytes: Array(string.utf8))
  }

  mutating func field(_ field: UInt64, double value: Double) {
    key(field, wireType: 1)
    var bits = value.bitPattern.littleEndian
    withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
  }

  /// Values as a packed repeated field, written in place (its length is known
  /// from the values' varint sizes).
  mutating func packed(_ field: UInt64, _ values: [UInt32]) {
    var length = 0
    for value in values { length += ProtobufWriter.size(UInt64(value)) }
    key(field, wireType: 2)
    varint(UInt64(length))
    for value in values { varint(UInt64(value)) }
  }

  /// Appends what `other` wrote.
  mutating func append(_ other: ProtobufWriter) { bytes.append(contentsOf: other.bytes) }

  /// Empties the buffer, keeping its storage for the next message.
  mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

  /// The bytes `value` takes as a varint.
  static func size(_ value: UInt64) -> Int { max(1, (64 - value.leadingZeroBitCount + 6) / 7) }

  static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
}

/// A value as MVT stores it (the `Value` message); equal values share one entry.
enum MVTValue: Hashable {
  case string(String)
  case double(Double)
  case unsigned(UInt64)
  case signed(Int64)
  case bool(Bool)

  /// The MVT value of a field value; `nil` for null (MVT has no null: the key is
  /// left out of the feature). Dates, times and lists are written as text.
  init?(_ value: FieldValue) {
    switch value {
    case .null: return nil
    case .integer(let v): self = v >= 0 ? .unsigned(UInt64(v)) : .signed(v)
    case .real(let v): self = .double(v)
    case .boolean(let v): self = .bool(v)
    case .string(let v), .date(let v), .time(let v), .dateTime(let v): self = .string(v)
    default: self = .string(value.description)
    }
  }

  /// A key equal for equal numbers and booleans (0.0 and -0.0 alike, as they are
  /// equal); `nil` for text, and for NaN, which equals no value, itself included.
  var numberKey: WordPair? {
    switch self {
    case .string: nil
    case .double(let v): v.isNaN ? nil : WordPair(first: 1, second: (v + 0).bitPattern)
    case .unsigned(let v): WordPair(first: 2, second: v)
    case .signed(let v): WordPair(first: 3, second: UInt64(bitPattern: v))
    case .bool(let v): WordPair(first: 4, second: v ? 1 : 0)
    }
  }

  var encoded: [UInt8] {
    var writer = ProtobufWriter()
    switch self {
    case .string(let v): writer.field(1, string: v)
    case .double(let v): writer.field(3, double: v)
    case .unsigned(let v): writer.field(5, varint: v)
    case .signed(let v): writer.field(6, varint: ProtobufWriter.zigzag(v))
    case .bool(let v): writer.field(7, varint: v ? 1 : 0)
    }
    return writer.bytes
  }
}

/// Encodes one MVT 2.1 layer: features with their geometry commands (MoveTo,
/// LineTo, ClosePath with zigzag deltas) and attributes as indices into the
/// layer's shared key and value tables.
struct MVTLayerEncoder {
  let name: String
  let extent: Int
  let fieldNames: [String]
  /// The features added, each as the layer's field 2, in order.
  private var body = ProtobufWriter()
  private(set) var featureCount = 0
  private var values: [MVTValue] = []
  /// The values' indices: numbers and booleans by their bits in a flat table
  /// (`numberKeys[i]` is the key of `values[numberValues[i]]`), text and NaN by
  /// `Dictionary`. Swift's seeded hashing of every value was about a tenth of
  /// tiling 135,000 grid cells, whose values are mostly distinct reals.
  private var numberIndex = IndexTable()
  private var numberKeys: [WordPair] = []
  private var numberValues: [UInt32] = []
  private var otherIndex: [MVTValue: UInt32] = [:]
  /// Per field, the index of its key in `keys`, or -1 before its first value.
  private var keyOfField: [Int32]
  private var keys: [String] = []
  // Reused from feature to feature: a tile of 100,000 features then allocates
  // nothing per feature (these allocations were a third of encoding such a tile).
  private var tags: [UInt32] = []
  private var commands: [UInt32] = []
  private var feature = ProtobufWriter()

  init(name: String, extent: Int, fieldNames: [String]) {
    self.name = name
    self.extent = extent
    self.fieldNames = fieldNames
    keyOfField = Array(repeating: -1, count: fieldNames.count)
  }

  mutating func add(id: Int64, shape: TileShape, attributes: [FieldValue]) {
    add(id: id, shape: shape, attributes: TileAttributeRow(attributes))
  }

  mutating func add(id: Int64, shape: TileShape, attributes: TileAttributeRow) {
    tags.removeAll(keepingCapacity: true)
    attributes.forEachValue { field, value in
      guard let mvt = MVTValue(value) else { return }
      if keyOfField[field] < 0 {
        keyOfField[field] = Int32(keys.count)
        keys.append(fieldNames[field])
      }
      tags.append(UInt32(keyOfField[field]))
      tags.append(index(of: mvt))
    }
    feature.removeAll()
    if id >= 0 { feature.field(1, varint: UInt64(id)) }
    if !tags.isEmpty { feature.packed(2, tags) }
    let type = MVTLayerEncoder.commands(shape, into: &commands)
    feature.field(3, varint: type)
    feature.packed(4, commands)
    body.field(2, bytes: feature.bytes)
    featureCount += 1
  }

  /// The index of `value` in `values`, appended there when it is new.
  private mutating func index(of value: MVTValue) -> UInt32 {
    if let key = value.numberKey {
      let (slot, isNew) = MVTLayerEncoder.intern(key, &numberIndex, &numberKeys)
      if !isNew { return numberValues[slot] }
      numberValues.append(UInt32(values.count))
    } else if let known = otherIndex[value] {
      return known
    } else {
      otherIndex[value] = UInt32(values.count)
    }
    values.append(value)
    return UInt32(values.count - 1)
  }

  /// The position of `key` in `keys`, appended there when it is new.
  private static func intern(
    _ key: WordPair, _ table: inout IndexTable, _ keys: inout [WordPair]
  ) -> (Int, isNew: Bool) {
    if let known = table.find(key, keyOf: { keys[Int($0)] }) { return (Int(known), false) }
    keys.append(key)
    table.insert(Int32(keys.count - 1), key: key) { keys[Int($0)] }
    return (keys.count - 1, true)
  }

  /// The layer message in three parts: what comes before the features, the
  /// features, and the keys, values and extent after them.
  func parts() -> (head: ProtobufWriter, features: ProtobufWriter, tail: ProtobufWriter) {
    var head = ProtobufWriter()
    head.field(15, varint: 2)
    head.field(1, string: name)
    var tail = ProtobufWriter()
    for key in keys { tail.field(3, string: key) }
    for value in values { tail.field(4, bytes: value.encoded) }
    tail.field(5, varint: UInt64(extent))
    return (head, body, tail)
  }

  /// The geometry type (1 point, 2 line, 3 polygon); its command integers
  /// replace the contents of `commands`.
  static func commands(_ shape: TileShape, into commands: inout [UInt32]) -> UInt64 {
    commands.removeAll(keepingCapacity: true)
    var cursor = SIMD2<Int32>(0, 0)
    func command(_ id: UInt32, _ count: Int) { commands.append(id | UInt32(count) << 3) }
    func move(to p: SIMD2<Int32>) {
      commands.append(UInt32(truncatingIfNeeded: ProtobufWriter.zigzag(Int64(p.x - cursor.x))))
      commands.append(UInt32(truncatingIfNeeded: ProtobufWriter.zigzag(Int64(p.y - cursor.y))))
      cursor = p
    }
    switch shape {
    case .points(let points):
      command(1, points.count)
      points.forEach(move)
      return 1
    case .lines(let lines):
      for line in lines {
        command(1, 1)
        move(to: line[0])
        command(2, line.count - 1)
        line.dropFirst().forEach(move)
      }
      return 2
    case .polygons(let polygons):
      for ring in polygons.joined() {
        command(1, 1)
        move(to: ring[0])
        command(2, ring.count - 1)
        ring.dropFirst().forEach(move)
        command(7, 1)
      }
      return 3
    }
  }
}

/// A whole tile: its layers' messages, concatenated as `Tile.layers` (field 3).
enum MVTTile {
  /// The tile of the layers that have features, written straight into one array
  /// of its exact size, without a whole copy of each layer on the way (a tile of
  /// 105,000 cells is 5.5 MB before compression).
  static func encode(_ encoders: [MVTLayerEncoder]) -> [UInt8] {
    let layers = encoders.filter { $0.featureCount > 0 }.map { $0.parts() }
    var total = 0
    for (head, features, tail) in layers {
      let length = head.bytes.count + features.bytes.count + tail.bytes.count
      total += 1 + ProtobufWriter.size(UInt64(length)) + length
    }
    var tile = ProtobufWriter(capacity: total)
    for (head, features, tail) in layers {
      tile.key(3, wireType: 2)
      tile.varint(UInt64(head.bytes.count + features.bytes.count + tail.bytes.count))
      tile.append(head)
      tile.append(features)
      tile.append(tail)
    }
    return tile.bytes
  }
}
