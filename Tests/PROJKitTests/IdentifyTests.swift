import Foundation
import GeoCore
import PROJKit
import Testing

@Suite("Likely EPSG codes for vague CRSs")
struct IdentifyTests {
  @Test func olindaTractsAreMostLikelySIRGAS2000() throws {
    // The tracts' CRS as the file declares it: GRS 1980, datum unknown.
    let vague = try CRS(
      """
      GEOGCRS["GRS 1980(IUGG, 1980)",DATUM["unknown",ELLIPSOID["GRS80",6378137,298.257222101]],
      PRIMEM["Greenwich",0],CS[ellipsoidal,2],AXIS["longitude",east,ANGLEUNIT["Degree",0.0174532925199433]],
      AXIS["latitude",north,ANGLEUNIT["Degree",0.0174532925199433]]]
      """)
    let olinda = Envelope(minX: -34.92, minY: -8.05, maxX: -34.82, maxY: -7.95)
    let matches = vague.likelyMatches(near: olinda)
    #expect(matches.first?.code == "EPSG:4674")
    #expect(matches.contains { $0.code == "EPSG:4170" })  // SIRGAS 1995, same ellipsoid and area
  }

  @Test func olindaElevationModelIsMostLikelySIRGAS2000UTM25South() throws {
    let vague = try CRS(
      "+proj=utm +zone=25 +south +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs +type=crs")
    let matches = vague.likelyMatches(
      near: Envelope(minX: -34.92, minY: -8.05, maxX: -34.82, maxY: -7.95))
    #expect(matches.map(\.code).contains("EPSG:31985"))
  }
}
