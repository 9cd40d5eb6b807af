import Foundation
import Testing

/// `analyze` draws its maps in the site's `map-crs`, or in `--map-crs`, instead
/// of the working CRS; a CRS that is not projected is refused before any work.
@Suite("Site maps in their own CRS")
struct SiteMapCRSTests {
  static func site(mapCRS: String?) throws -> URL {
    let folder = try Territory.scratch()
    try FileManager.default.copyItem(
      at: GoldenDissolveTests.golden.appendingPathComponent("units-with-sliver.geojson"),
      to: folder.appendingPathComponent("units.geojson"))
    try Data(
      """
      name: mapcrs
      crs: EPSG:31985
      \(mapCRS.map { "map-crs: \"\($0)\"" } ?? "")
      layers:
        units:
          path: units.geojson
          role: units
          variables:
            pop: {kind: extensive}

      """.utf8
    ).write(to: folder.appendingPathComponent("site.yaml"))
    return folder
  }

  @Test func mapsFollowTheSitesMapCRS() throws {
    // SIRGAS 2000 / Brazil Polyconic, written as a bare EPSG number.
    let folder = try Self.site(mapCRS: "5880")
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("out")
    let result = try Territory.runArray([
      "analyze", "--no-web", folder.path, "-o", output.path, "--quiet",
    ])
    #expect(result.status == 0, "\(result.error)")
    let maps = output.appendingPathComponent("maps")
    let poster = try #require(
      Territory.contents(of: maps).first { $0.hasSuffix("_scales.pdf") },
      "\(Territory.contents(of: maps))")
    #expect(try Territory.pdfText(maps.appendingPathComponent(poster).path).contains("EPSG:5880"))
    let lock = try String(
      contentsOf: output.appendingPathComponent("manifest.lock.json"), encoding: .utf8)
    #expect(lock.contains("\"map-crs\" : \"5880\""), "\(lock)")
    // --map-crs wins over the manifest.
    let again = folder.appendingPathComponent("again")
    let overridden = try Territory.runArray([
      "analyze", "--no-web", folder.path, "-o", again.path, "--quiet", "--map-crs", "EPSG:31985",
    ])
    #expect(overridden.status == 0, "\(overridden.error)")
    let posterAgain = again.appendingPathComponent("maps").appendingPathComponent(poster).path
    #expect(try Territory.pdfText(posterAgain).contains("EPSG:31985"))
  }

  @Test func aGeographicMapCRSIsRefused() throws {
    let folder = try Self.site(mapCRS: "EPSG:4326")
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("out")
    let result = try Territory.runArray([
      "analyze", "--no-web", folder.path, "-o", output.path, "--quiet",
    ])
    #expect(result.status == 1)
    #expect(result.error.contains("map-crs: EPSG:4326 is not projected"), "\(result.error)")
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }
}
