import Foundation
import GeoCore
import PROJKit
import Testing

@Suite("CRS")
struct CRSTests {
  @Test func epsgCodeIsDescribed() throws {
    let lambert = try CRS("EPSG:2154")
    #expect(lambert.name == "RGF93 v1 / Lambert-93")
    #expect(lambert.epsgCode == 2154)
    #expect(lambert.isProjected)
    #expect(lambert.axisUnit == "metre")
    let area = try #require(lambert.areaOfUse)
    #expect(area.bounds.contains(Envelope(minX: 2.35, minY: 48.85, maxX: 2.36, maxY: 48.86)))
    let wgs84 = try CRS.wgs84
    #expect(wgs84.isGeographic)
    #expect(wgs84.axisUnit == "degree")
    #expect(wgs84.epsgCode == 4326)
  }

  @Test(
    "every way of writing a CRS is understood",
    arguments: [
      "EPSG:31985",
      "+proj=utm +zone=25 +south +ellps=GRS80 +units=m +no_defs",
      "+proj=longlat +datum=WGS84",
    ])
  func definitions(definition: String) throws {
    let crs = try CRS(definition)
    #expect(crs.isProjected || crs.isGeographic)
    // WKT and PROJJSON of the CRS parse back to an equivalent CRS.
    #expect(try CRS(crs.wkt).isEquivalent(to: crs))
    #expect(try CRS(crs.projJSON).isEquivalent(to: crs))
  }

  @Test func wktWithoutCodeIsIdentifiedWhenCertain() throws {
    let wkt = try CRS("EPSG:3857").wkt
    let stripped = wkt.replacingOccurrences(
      of: #",\s*ID\["EPSG",3857\]"#, with: "", options: .regularExpression)
    #expect(!stripped.contains("ID[\"EPSG\",3857]"))
    #expect(try CRS(stripped).epsgCode == 3857)
  }

  @Test(
    "unknown CRSs throw and name the definition",
    arguments: [
      "EPSG:999999", "not a crs", "", "GEOGCRS[\"broken\"",
    ])
  func unknown(definition: String) {
    do {
      _ = try CRS(definition)
      Issue.record("\(definition) was accepted")
    } catch {
      guard case .unknownCRS(let named, let message) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(named == definition)
      #expect(!message.isEmpty)
      #expect(error.description.contains("'\(definition)'"))
    }
  }

  @Test func aConversionIsNotACRS() {
    #expect(
      throws: PROJError.notACRS(
        definition: "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +type=crs")
    ) {
      try CRS("+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +type=crs")
    }
  }
}
