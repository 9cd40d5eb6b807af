import Foundation
import GDALKit
import GeoCore

/// Writes a PMTiles v3 archive (github.com/protomaps/PMTiles, spec v3).
///
/// No PMTiles library exists for Swift and GDAL 3.6 has no PMTiles driver, so the
/// format is written here; it is small: a 127-byte header, a root directory (and
/// leaf directories when the root would pass 16 KiB), gzip-compressed JSON
/// metadata, then the tile data. Tiles arrive in tile-id order (zoom, then Hilbert
/// curve), so the data is clustered; identical tiles are stored once, and a run of
/// consecutive ids with the same content is one directory entry with a run length.
final class PMTilesWriter: TileSink {
  struct Entry {
    var tileID: UInt64
    var offset: UInt64
    var length: UInt32
    var runLength: UInt32
  }

  private let output: StagedOutput
  private let dataURL: URL
  private let data: FileHandle
  private let format: TileSetMetadata.Format
  private var buffer: [UInt8] = []
  private var dataLength: UInt64 = 0
  /// The length of the data in the file; the rest is in `buffer`.
  private var flushedLength: UInt64 = 0
  private var entries: [Entry] = []
  /// The contents written, by a hash of their bytes: candidates to be compared
  /// byte for byte with a new tile. Keeping the tiles themselves as keys held the
  /// whole archive in memory (108 MB for the 1 km grid of a 550,000 km² country).
  private var stored: [Int: [(offset: UInt64, length: UInt32)]] = [:]
  private var contents: UInt64 = 0
  /// Reads written contents back, to compare them with a new tile whose hash matches.
  private var reader: FileHandle?
  private var addressed: UInt64 = 0
  let compressesTiles: Bool

  init(path: String, format: TileSetMetadata.Format, policy: ExistingOutputPolicy) throws {
    output = try StagedOutput(path: path, policy: policy)
    dataURL = output.stagingFolder.appendingPathComponent("tiles.data")
    guard FileManager.default.createFile(atPath: dataURL.path, contents: nil),
      let handle = try? FileHandle(forWritingTo: dataURL)
    else { throw OutputError.notWritable(path: path, reason: "cannot create the tile data file") }
    data = handle
    self.format = format
    compressesTiles = format == .mvt
  }

  func write(_ address: TileAddress, _ bytes: [UInt8]) throws {
    let id = address.pmtilesID
    precondition(
      entries.last.map { id >= $0.tileID + UInt64($0.runLength) } ?? true, "tiles out of order")
    addressed += 1
    let hash = bytes.hashValue
    if let known = try stored[hash]?.first(where: { try isStored(bytes, at: $0) }) {
      if var last = entries.last, last.offset == known.offset,
        last.tileID + UInt64(last.runLength) == id
      {
        last.runLength += 1
        entries[entries.count - 1] = last
      } else {
        entries.append(Entry(tileID: id, offset: known.offset, length: known.length, runLength: 1))
      }
      return
    }
    let place = (offset: dataLength, length: UInt32(bytes.count))
    stored[hash, default: []].append(place)
    contents += 1
    entries.append(Entry(tileID: id, offset: place.offset, length: place.length, runLength: 1))
    buffer.append(contentsOf: bytes)
    dataLength += UInt64(bytes.count)
    if buffer.count > 1 << 22 { try flush() }
  }

  /// Whether the content written at `place` is `bytes`.
  private func isStored(_ bytes: [UInt8], at place: (offset: UInt64, length: UInt32)) throws
    -> Bool
  {
    guard Int(place.length) == bytes.count else { return false }
    if place.offset >= flushedLength {
      let start = Int(place.offset - flushedLength)
      return buffer[start..<start + bytes.count].elementsEqual(bytes)
    }
    if reader == nil { reader = try FileHandle(forReadingFrom: dataURL) }
    try reader!.seek(toOffset: place.offset)
    let written = try reader!.read(upToCount: bytes.count) ?? Data()
    return written.elementsEqual(bytes)
  }

  private func flush() throws {
    try data.write(contentsOf: buffer)
    flushedLength += UInt64(buffer.count)
    buffer.removeAll(keepingCapacity: true)
  }

  func finish(_ metadata: TileSetMetadata) throws {
    try flush()
    try data.close()
    try reader?.close()
    reader = nil
    let (root, leaves) = try PMTilesWriter.directories(entries)
    let json = try Gzip.compress(Array(metadata.tileJSON(tiles: nil).utf8))
    var header = PMTilesHeader(
      rootOffset: 127, rootLength: UInt64(root.count),
      metadataOffset: 127 + UInt64(root.count), metadataLength: UInt64(json.count),
      leafOffset: 127 + UInt64(root.count + json.count), leafLength: UInt64(leaves.count),
      dataOffset: 127 + UInt64(root.count + json.count + leaves.count), dataLength: dataLength,
      addressedTiles: addressed, tileEntries: UInt64(entries.count),
      tileContents: contents)
    header.tileCompression = compressesTiles ? 2 : 1
    header.tileType = format == .mvt ? 1 : 2
    header.minZoom = UInt8(metadata.minZoom)
    header.maxZoom = UInt8(metadata.maxZoom)
    header.bounds = metadata.bounds
    let c = metadata.center
    header.center = (c.longitude, c.latitude, UInt8(c.zoom))
    let target = output.stagingPath
    guard
      FileManager.default.createFile(
        atPath: target.path, contents: Data(header.bytes + root + json + leaves)),
      let file = try? FileHandle(forWritingTo: target)
    else {
      throw OutputError.notWritable(path: output.target.path, reason: "cannot create the archive")
    }
    try file.seekToEnd()
    let source = try FileHandle(forReadingFrom: dataURL)
    while let chunk = try source.read(upToCount: 1 << 24), !chunk.isEmpty {
      try file.write(contentsOf: chunk)
    }
    try source.close()
    try file.close()
    try FileManager.default.removeItem(at: dataURL)
    try output.commit()
  }

  func discard() {
    try? data.close()
    try? reader?.close()
    output.discard()
  }

  /// The root directory and the leaf directories (gzip-compressed), leaves used
  /// only when the root alone would not fit in the first 16 KiB with the header.
  static func directories(_ entries: [Entry]) throws -> (root: [UInt8], leaves: [UInt8]) {
    let root = try Gzip.compress(serialize(entries))
    if root.count <= 16_384 - 127 { return (root, []) }
    var leafSize = 4096
    while true {
      var leaves: [UInt8] = []
      var pointers: [Entry] = []
      for start in stride(from: 0, to: entries.count, by: leafSize) {
        let leaf = try Gzip.compress(
          serialize(Array(entries[start..<min(entries.count, start + leafSize)])))
        pointers.append(
          Entry(
            tileID: entries[start].tileID, offset: UInt64(leaves.count), length: UInt32(leaf.count),
            runLength: 0))
        leaves += leaf
      }
      let root = try Gzip.compress(serialize(pointers))
      if root.count <= 16_384 - 127 { return (root, leaves) }
      leafSize *= 2
    }
  }

  /// A directory as the spec lays it out: count, id deltas, run lengths, lengths,
  /// then offsets (0 meaning "right after the previous entry", else offset + 1).
  static func serialize(_ entries: [Entry]) -> [UInt8] {
    var writer = ProtobufWriter()
    writer.varint(UInt64(entries.count))
    var last: UInt64 = 0
    for entry in entries {
      writer.varint(entry.tileID - last)
      last = entry.tileID
    }
    for entry in entries { writer.varint(UInt64(entry.runLength)) }
    for entry in entries { writer.varint(UInt64(entry.length)) }
    for (index, entry) in entries.enumerated() {
      if index > 0, entry.offset == entries[index - 1].offset + UInt64(entries[index - 1].length) {
        writer.varint(0)
      } else {
        writer.varint(entry.offset + 1)
      }
    }
    return writer.bytes
  }
}

/// The fixed 127-byte PMTiles v3 header, little-endian.
struct PMTilesHeader {
  var rootOffset: UInt64
  var rootLength: UInt64
  var metadataOffset: UInt64
  var metadataLength: UInt64
  var leafOffset: UInt64
  var leafLength: UInt64
  var dataOffset: UInt64
  var dataLength: UInt64
  var addressedTiles: UInt64
  var tileEntries: UInt64
  var tileContents: UInt64
  var tileCompression: UInt8 = 2
  var tileType: UInt8 = 1
  var minZoom: UInt8 = 0
  var maxZoom: UInt8 = 0
  var bounds = Envelope(minX: -180, minY: -85, maxX: 180, maxY: 85)
  var center: (Double, Double, UInt8) = (0, 0, 0)

  var bytes: [UInt8] {
    var out = Array("PMTiles".utf8) + [3]
    func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    func e7(_ v: Double) {
      withUnsafeBytes(of: Int32((v * 10_000_000).rounded()).littleEndian) { out += $0 }
    }
    for v in [
      rootOffset, rootLength, metadataOffset, metadataLength, leafOffset, leafLength, dataOffset,
      dataLength, addressedTiles, tileEntries, tileContents,
    ] { u64(v) }
    out += [1, 2, tileCompression, tileType, minZoom, maxZoom]
    e7(bounds.minX)
    e7(bounds.minY)
    e7(bounds.maxX)
    e7(bounds.maxY)
    out.append(center.2)
    e7(center.0)
    e7(center.1)
    return out
  }
}
