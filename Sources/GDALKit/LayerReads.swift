import Foundation

/// A count of the feature readings started on each layer, within one task: how
/// a job shows that it reads each layer once (`territory analyze` does, its
/// check keeping what the analysis needs).
///
/// Counting is off unless `counting(_:)` runs; it then sees only the readings
/// of the calling task (parallel workers of a job do not read layers).
public final class LayerReads: @unchecked Sendable {
  @TaskLocal static var current: LayerReads?
  private let lock = NSLock()
  private var counts: [String: Int] = [:]

  private init() {}

  /// Runs `body` and counts every reading it starts, by layer, keyed
  /// `"<standardized path> (<layer name>)"`.
  /// - Returns: `body`'s result and the number of readings per layer.
  public static func counting<T>(_ body: () throws -> T) rethrows -> (T, [String: Int]) {
    let reads = LayerReads()
    let result = try $current.withValue(reads) { try body() }
    return (result, reads.lock.withLock { reads.counts })
  }

  /// Records one reading of `layer` of `path`, when counting.
  static func record(path: String, layer: String) {
    guard let reads = current else { return }
    let key = "\(URL(fileURLWithPath: path).standardizedFileURL.path) (\(layer))"
    reads.lock.withLock { reads.counts[key, default: 0] += 1 }
  }
}
