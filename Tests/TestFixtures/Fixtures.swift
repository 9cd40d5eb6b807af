import Foundation

/// Paths of the bundled data and a scratch folder per test, shared by the test targets.
public enum Fixtures {
  /// The package's root folder.
  public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  /// The bundled Olinda census tracts.
  public static let tracts = root.appendingPathComponent("Data/sites/olinda/olinda_tracts.gpkg")
    .path
  /// The bundled Olinda elevation model.
  public static let dem = root.appendingPathComponent("Data/sites/olinda/olinda_dem_utm25s.tif")
    .path

  /// A new empty folder; the caller removes it.
  public static func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "territorykit-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Writes `text` to `name` in `folder` and returns its path.
  public static func write(_ text: String, to name: String, in folder: URL) throws -> String {
    let url = folder.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
  }

  /// The bundled Helsinki site (street network, buildings) copied into
  /// `folder` with only its three `station` points (not the metro entrances),
  /// so that catchments along the streets stay quick to compute.
  public static func helsinkiWithThreeStations(in folder: URL) throws {
    let data = root.appendingPathComponent("Data/sites/helsinki")
    for name in ["buildings.gpkg", "helsinki.osm.pbf", "site.yaml"] {
      try FileManager.default.copyItem(
        at: data.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    let all =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: data.appendingPathComponent("stations.geojson"))) as? [String: Any]
    let stations = (all?["features"] as? [[String: Any]] ?? []).filter {
      ($0["properties"] as? [String: Any])?["kind"] as? String == "station"
    }
    try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": stations])
      .write(to: folder.appendingPathComponent("stations.geojson"))
  }

  /// The names in `folder`, hidden ones included (to catch staging leftovers).
  public static func contents(of folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
  }
}
