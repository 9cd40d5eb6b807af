import Foundation

/// Paths of the bundled data and a scratch folder per test.
enum Fixtures {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let tracts = root.appendingPathComponent("Data/sites/olinda/olinda_tracts.gpkg").path
  static let dem = root.appendingPathComponent("Data/sites/olinda/olinda_dem_utm25s.tif").path

  /// A new empty folder, removed by the caller with `removeScratch`.
  static func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "territorykit-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Writes `text` to `name` in `folder` and returns its path.
  static func write(_ text: String, to name: String, in folder: URL) throws -> String {
    let url = folder.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
  }

  /// The names in `folder`, hidden ones included (to catch staging leftovers).
  static func contents(of folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
  }
}
