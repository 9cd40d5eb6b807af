import Foundation
import GDALKit
import GeoCore
import TestFixtures
import Testing

/// Damaged copies of a real FlatGeobuf. GDAL opens some of them as a dataset
/// with no layer; the wrapper once closed that dataset twice (its `init` threw
/// after every stored property was set, so `deinit` ran too) and crashed.
@Suite("Damaged files")
struct DamagedFileTests {
  /// The Olinda tracts as FlatGeobuf, in a new scratch folder.
  func flatGeobuf() throws -> (folder: URL, bytes: [UInt8]) {
    let folder = try Fixtures.scratch()
    let path = folder.appendingPathComponent("tracts.fgb").path
    var options = ConversionOptions()
    options.policy = .refuse
    _ = try convertVector(input: Fixtures.tracts, output: path, options: options)
    return (folder, Array(try Data(contentsOf: URL(fileURLWithPath: path))))
  }

  /// The damaged copies: name and bytes.
  static func damaged(_ bytes: [UInt8]) -> [(String, [UInt8])] {
    var generator = SeededGenerator(seed: 7)
    var huge = bytes
    withUnsafeBytes(of: UInt32(10_500_000).littleEndian) { huge.replaceSubrange(8..<12, with: $0) }
    var flipped = bytes
    flipped[20] ^= 0x10
    var random = Array(bytes[0..<8])
    random += (0..<400).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    return [
      ("header size over 10 MB", huge), ("flipped bit in the header", flipped),
      ("cut after the magic bytes", Array(bytes[0..<8])), ("random bytes after the magic", random),
      ("cut inside the header", Array(bytes[0..<40])),
    ]
  }

  @Test func damagedFlatGeobufIsRefusedOrReadNeverCrashes() throws {
    let (folder, bytes) = try flatGeobuf()
    defer { try? FileManager.default.removeItem(at: folder) }
    var refused = 0
    for (index, (name, copy)) in Self.damaged(bytes).enumerated() {
      let path = folder.appendingPathComponent("damaged-\(index).fgb").path
      try Data(copy).write(to: URL(fileURLWithPath: path))
      do {
        for layer in try VectorDataset(path: path).layers { try layer.forEachFeature { _ in } }
      } catch let error as GDALError {
        refused += 1
        #expect(error.description.contains(path), "\(name): \(error)")
      }
    }
    #expect(refused >= 4, "the header damage is refused, not read as an empty layer")
  }
}
