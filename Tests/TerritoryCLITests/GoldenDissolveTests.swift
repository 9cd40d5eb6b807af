import Foundation
import Testing

/// The GeoJSON of a dissolved scale, as `analyze` writes it, against a file
/// checked by hand: two units whose shared edge bends 1 µm apart leave a sliver
/// hole in their union (closed, and reported), a real 20 m hole is kept, and
/// every ring has at least 4 positions and is wound as RFC 7946 asks.
@Suite("Golden GeoJSON of a dissolve")
struct GoldenDissolveTests {
  static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Golden")

  @Test func dissolvedDistrictsMatchTheGoldenFile() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.copyItem(
      at: Self.golden.appendingPathComponent("units-with-sliver.geojson"),
      to: folder.appendingPathComponent("units.geojson"))
    try Data(
      """
      name: golden
      crs: EPSG:31985
      layers:
        units:
          path: units.geojson
          role: units
          variables:
            pop: {kind: extensive}
      scales:
        - {name: districts, dissolve: units, by: district}

      """.utf8
    ).write(to: folder.appendingPathComponent("site.yaml"))
    let output = folder.appendingPathComponent("out")
    let result = try Territory.runArray(["analyze", "--no-web", folder.path, "-o", output.path])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.error.contains("districts: dissolving closed 1 sliver hole"), "\(result.error)")
    let written = try String(
      contentsOf: output.appendingPathComponent("districts.geojson"), encoding: .utf8)
    let expected = try String(
      contentsOf: Self.golden.appendingPathComponent("districts.expected.geojson"), encoding: .utf8)
    #expect(written == expected)
  }
}
