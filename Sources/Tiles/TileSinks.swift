import Dispatch
import Foundation
import GeoCore
import SQLiteKit
import Synchronization

/// Where finished tiles go: a PMTiles archive, an MBTiles file or an XYZ folder,
/// each staged beside its final place and moved there only when complete.
protocol TileSink: AnyObject {
  /// Whether tiles are stored gzip-compressed (archives) or as they are (folders).
  var compressesTiles: Bool { get }
  /// Stores one tile; archives that need it receive tiles in PMTiles id order.
  func write(_ address: TileAddress, _ bytes: [UInt8]) throws
  /// Stores the tiles of one zoom, in PMTiles id order.
  func write(batch: [(TileAddress, [UInt8])]) throws
  /// Writes the metadata and moves the output into place.
  func finish(_ metadata: TileSetMetadata) throws
  /// Removes everything written so far.
  func discard()
}

extension TileSink {
  /// One tile after the other.
  func write(batch: [(TileAddress, [UInt8])]) throws {
    for (address, bytes) in batch { try write(address, bytes) }
  }
}

/// The kind of tileset an output path asks for.
public enum TileOutputKind: String, Sendable {
  /// `NAME.pmtiles`: PMTiles v3.
  case pmtiles
  /// `NAME.mbtiles`: MBTiles 1.3.
  case mbtiles
  /// Any path without an extension: a `z/x/y` folder with `metadata.json`.
  case folder

  /// The kind for `path`.
  /// - Throws: `TilesError.unknownOutput` for any other extension.
  public init(path: String) throws(TilesError) {
    let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
    switch ext {
    case "pmtiles": self = .pmtiles
    case "mbtiles": self = .mbtiles
    case "": self = .folder
    default: throw TilesError.unknownOutput(path: path)
    }
  }

  /// Refuses, before any work, an output that exists (for a folder: one that
  /// holds files) unless the policy allows replacing it.
  /// - Throws: `OutputError.exists`.
  func refuseExisting(_ path: String, policy: ExistingOutputPolicy) throws(OutputError) {
    guard policy == .refuse, FileManager.default.fileExists(atPath: path) else { return }
    if self == .folder,
      (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true
    {
      return
    }
    throw OutputError.exists(path: path)
  }

  func sink(path: String, format: TileSetMetadata.Format, policy: ExistingOutputPolicy) throws
    -> any TileSink
  {
    switch self {
    case .pmtiles: return try PMTilesWriter(path: path, format: format, policy: policy)
    case .mbtiles: return try MBTilesSink(path: path, policy: policy)
    case .folder: return try FolderSink(path: path, format: format, policy: policy)
    }
  }
}

/// MBTiles 1.3: an SQLite file with `metadata` and `tiles` tables (rows counted
/// from the south, TMS), tiles gzip-compressed.
final class MBTilesSink: TileSink {
  private let output: StagedOutput
  private let database: SQLiteDatabase
  private var pending: [[SQLiteValue]] = []
  let compressesTiles = true

  init(path: String, policy: ExistingOutputPolicy) throws {
    output = try StagedOutput(path: path, policy: policy)
    database = try SQLiteDatabase(path: output.stagingPath.path, create: true)
    try database.execute(
      """
      PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=4096;
      CREATE TABLE metadata (name TEXT, value TEXT);
      CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
      BEGIN;
      """)
  }

  func write(_ address: TileAddress, _ bytes: [UInt8]) throws {
    let row = (1 << address.z) - 1 - address.y
    pending.append([
      .integer(Int64(address.z)), .integer(Int64(address.x)), .integer(Int64(row)), .blob(bytes),
    ])
    if pending.count >= 2000 { try flush() }
  }

  private func flush() throws {
    try database.execute("INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)", rows: pending)
    pending.removeAll(keepingCapacity: true)
  }

  func finish(_ metadata: TileSetMetadata) throws {
    try flush()
    try database.execute(
      "INSERT INTO metadata VALUES (?1, ?2)",
      rows: metadata.mbtilesRows.map { [.text($0.0), .text($0.1)] })
    try database.execute(
      "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row); COMMIT;")
    try output.commit()
  }

  func discard() { output.discard() }
}

/// An XYZ folder: `z/x/y.pbf` (or `.png`) files, uncompressed so that any static
/// web server can serve them, and `metadata.json` with the TileJSON document.
final class FolderSink: TileSink {
  private let folder: StagedOutput
  private let fileExtension: String
  private var madeColumns = Set<SIMD2<Int>>()
  let compressesTiles = false

  init(path: String, format: TileSetMetadata.Format, policy: ExistingOutputPolicy) throws {
    folder = try StagedOutput(folder: path, policy: policy)
    fileExtension = format.rawValue
  }

  func write(_ address: TileAddress, _ bytes: [UInt8]) throws {
    try write(batch: [(address, bytes)])
  }

  /// Creates the zoom's column folders, then writes the files on two threads:
  /// creating many small files is bound by the file system, which serves two
  /// writers at once faster than one.
  func write(batch: [(TileAddress, [UInt8])]) throws {
    for (address, _) in batch where madeColumns.insert(SIMD2(address.z, address.x)).inserted {
      try FileManager.default.createDirectory(
        at: folder.stagingPath.appendingPathComponent("\(address.z)/\(address.x)"),
        withIntermediateDirectories: true)
    }
    let root = folder.stagingPath.path
    let suffix = fileExtension
    let failure = Mutex<OutputError?>(nil)
    DispatchQueue.concurrentPerform(iterations: 2) { half in
      for index in stride(from: half, to: batch.count, by: 2) {
        let (address, bytes) = batch[index]
        let file = "\(root)/\(address.z)/\(address.x)/\(address.y).\(suffix)"
        if let error = FolderSink.writeFile(file, bytes) { failure.withLock { $0 = $0 ?? error } }
      }
    }
    if let error = failure.withLock({ $0 }) { throw error }
  }

  /// Plain open/write/close: Foundation's createFile syncs every file to disk,
  /// which made writing a folder of small tiles ten times slower.
  private static func writeFile(_ path: String, _ bytes: [UInt8]) -> OutputError? {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else {
      return OutputError.notWritable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
    return written == bytes.count
      ? nil : OutputError.notWritable(path: path, reason: String(cString: strerror(errno)))
  }

  func finish(_ metadata: TileSetMetadata) throws {
    let json = metadata.tileJSON(tiles: "{z}/{x}/{y}.\(fileExtension)")
    try Data(json.utf8).write(to: folder.stagingPath.appendingPathComponent("metadata.json"))
    try folder.commit()
  }

  func discard() { folder.discard() }
}
