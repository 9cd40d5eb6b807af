import Foundation
import Testing

@Suite("territory info")
struct InfoCommandTests {
  @Test func describesTheTracts() throws {
    let result = try Territory.run("info", Territory.tracts)
    #expect(result.status == 0)
    #expect(result.error.isEmpty)
    #expect(result.output.contains("driver GPKG, 1 layer"))
    #expect(result.output.contains("features    470"))
    #expect(result.output.contains("geometry    Polygon"))
    #expect(result.output.contains("datum unknown"))
    #expect(result.output.contains("V014"))
  }

  @Test func jsonMatchesOgrinfoAndGdalinfo() throws {
    let vector = try Territory.run("info", Territory.tracts, "--json")
    #expect(vector.status == 0)
    let json = try #require(
      JSONSerialization.jsonObject(with: Data(vector.output.utf8)) as? [String: Any])
    #expect(json["kind"] as? String == "vector")
    let layer = try #require((json["layers"] as? [[String: Any]])?.first)
    #expect(layer["featureCount"] as? Int == 470)
    let extent = try #require(layer["extent"] as? [Double])
    // ogrinfo -so: Extent: (-34.916923, -8.044467) - (-34.827789, -7.954672)
    #expect(
      zip(extent, [-34.916923, -8.044467, -34.827789, -7.954672]).allSatisfy { abs($0 - $1) < 1e-6 }
    )
    #expect((layer["fields"] as? [[String: Any]])?.count == 6)

    let raster = try Territory.run("info", Territory.dem, "--json")
    #expect(raster.status == 0)
    let rjson = try #require(
      JSONSerialization.jsonObject(with: Data(raster.output.utf8)) as? [String: Any])
    #expect(rjson["kind"] as? String == "raster")
    #expect(rjson["width"] as? Int == 111 && rjson["height"] as? Int == 111)
    let band = try #require((rjson["bands"] as? [[String: Any]])?.first)
    #expect(band["dataType"] as? String == "Float32")
    #expect(band["noData"] == nil)
    let crs = try #require(rjson["crs"] as? [String: Any])
    #expect(crs["kind"] as? String == "projected")
  }

  @Test func versionAndHelp() throws {
    let version = try Territory.run("--version")
    #expect(
      version.status == 0
        && version.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    for command in ["info", "convert"] {
      let help = try Territory.run(command, "--help")
      #expect(help.status == 0)
      #expect(help.output.contains("Example:"))
    }
  }
}
