import Foundation
import GeoCore

/// A CSV table without geometry, with a `.csvt` file of column types beside it
/// (the convention GDAL and QGIS read), written atomically.
///
/// Why not GDAL's CSV driver: it formats reals with `%.15g`, which does not
/// round-trip every float64 (26.31885096263843 came back as 26.3188509626384),
/// and the formatting alone took about half the run time of `territory
/// interpolate` on a million cells (measured with perf: `printf_fp`, `vfprintf`).
/// Swift's shortest round-trip formatting (`DecimalText`) is exact and several
/// times faster.
final class CSVTableFile {
  private let output: StagedOutput
  private let types: StagedOutput
  private let handle: FileHandle
  private var buffer: [UInt8] = []

  /// Creates `path` and its `.csvt` in a staging place, and writes the header.
  /// - Throws: `OutputError` when the output exists or cannot be created.
  init(path: String, policy: ExistingOutputPolicy, fields: [Field]) throws {
    output = try StagedOutput(path: path, policy: policy)
    let typesPath = URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension(
      "csvt"
    ).path
    types = try StagedOutput(path: typesPath, policy: policy)
    let typeLine = fields.map { field -> String in
      switch field.type {
      case .integer, .boolean: return "\"Integer\""
      case .integer64: return "\"Integer64\""
      case .real: return "\"Real\""
      default: return "\"String\""
      }
    }.joined(separator: ",")
    do {
      try Data((typeLine + "\n").utf8).write(to: types.stagingPath)
      guard FileManager.default.createFile(atPath: output.stagingPath.path, contents: nil) else {
        throw OutputError.notWritable(path: path, reason: "cannot create the file")
      }
      handle = try FileHandle(forWritingTo: output.stagingPath)
    } catch let error as OutputError {
      throw error
    } catch {
      throw OutputError.notWritable(path: path, reason: error.localizedDescription)
    }
    buffer.reserveCapacity(1 << 21)
    Self.appendLine(fields.map { .string($0.name) }, to: &buffer)
  }

  /// Writes rows `0..<count`, formatting batches of rows on `threads` threads
  /// and writing them in order.
  func writeRows(
    count: Int, threads: Int = ParallelChunks.defaultThreads,
    _ row: @escaping @Sendable (Int) -> [FieldValue]
  ) throws {
    try writeLines(count: count, threads: threads) { index, bytes in
      Self.appendLine(row(index), to: &bytes)
    }
  }

  /// Writes lines `0..<count`, each appended whole (with its line end) by
  /// `line`, formatting batches of lines on `threads` threads and writing them
  /// in order.
  func writeLines(
    count: Int, threads: Int = ParallelChunks.defaultThreads,
    _ line: @escaping @Sendable (Int, inout [UInt8]) -> Void
  ) throws {
    let chunk = 8_192
    // A group of chunks at a time bounds the memory of formatted text.
    let group = chunk * 2 * max(1, threads)
    for first in stride(from: 0, to: count, by: group) {
      let rows = min(group, count - first)
      let formatted = ParallelChunks.map(count: rows, threads: threads, rangesPerThread: 2) {
        range in
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count * 96)
        for position in range { line(first + position, &bytes) }
        return bytes
      }
      for bytes in formatted {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
      }
    }
  }

  /// Flushes, closes and moves the table and its `.csvt` into place.
  func commit() throws {
    try flush()
    try handle.close()
    try types.commit()
    try output.commit()
  }

  /// Removes what was written.
  func discard() {
    try? handle.close()
    output.discard()
    types.discard()
  }

  private func flush() throws {
    guard !buffer.isEmpty else { return }
    do {
      try handle.write(contentsOf: buffer)
    } catch {
      throw OutputError.notWritable(path: output.target.path, reason: error.localizedDescription)
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Appends the CSV line of `values` (with its line end).
  static func appendLine(_ values: [FieldValue], to buffer: inout [UInt8]) {
    for (index, value) in values.enumerated() {
      if index > 0 { buffer.append(UInt8(ascii: ",")) }
      appendField(value, to: &buffer)
    }
    buffer.append(UInt8(ascii: "\n"))
  }

  /// Appends one field's text (nothing for null, quotes where needed).
  static func appendField(_ value: FieldValue, to buffer: inout [UInt8]) {
    switch value {
    case .null: break
    case .integer(let number): DecimalText.appendInteger(number, to: &buffer)
    case .real(let number):
      // Whole numbers (cell corners) print as integers: exact, and much faster.
      if number.rounded() == number && abs(number) < 1e15 {
        DecimalText.appendInteger(Int64(number), to: &buffer)
      } else {
        DecimalText.appendShortest(number, to: &buffer)
      }
    case .boolean(let flag): buffer.append(UInt8(ascii: flag ? "1" : "0"))
    default: appendQuoted(value.description, to: &buffer)
    }
  }

  private static func appendQuoted(_ text: String, to buffer: inout [UInt8]) {
    let needsQuotes = text.utf8.contains {
      $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13
    }
    guard needsQuotes else {
      buffer.append(contentsOf: text.utf8)
      return
    }
    buffer.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      if byte == UInt8(ascii: "\"") { buffer.append(byte) }
      buffer.append(byte)
    }
    buffer.append(UInt8(ascii: "\""))
  }
}
