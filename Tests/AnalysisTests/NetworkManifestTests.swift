import Foundation
import Testing

@testable import Analysis

/// `network` layers and catchments along the streets in `site.yaml`: what is
/// read, and every refusal with its line.
@Suite("site.yaml: street networks")
struct NetworkManifestTests {
  /// A site with a network layer; `layer` and `catchments` replace its parts.
  static func site(
    layer: String = "streets: {path: city.osm.pbf, role: network, profile: walk}",
    catchments: String = "{points: stations, network: streets, minutes: [5, 10, 15], units: tracts}"
  ) -> String {
    """
    name: demo
    title: {en: Demo}
    crs: EPSG:3067
    layers:
      tracts: {path: tracts.gpkg, role: units, variables: {pop: {kind: extensive}}}
      stations: {path: stations.geojson, role: points}
      \(layer)
    analyses:
      catchments: \(catchments)
    """
  }

  func failure(_ text: String) -> SiteError? {
    do {
      _ = try ManifestReader.parse(text, path: "/sites/demo/site.yaml")
      return nil
    } catch let error as SiteError {
      return error
    } catch {
      return SiteError(path: "", message: "unexpected \(error)")
    }
  }

  @Test func readsNetworkLayersAndCatchmentsAlongTheStreets() throws {
    let manifest = try ManifestReader.parse(
      Self.site(
        layer: "streets: {path: city.osm.pbf, role: network, profile: bike, speed: 12}",
        catchments:
          "{points: stations, network: streets, minutes: [15, 5], buffer: 30, units: tracts}"),
      path: "/sites/demo/site.yaml")
    let streets = try #require(manifest.layer("streets"))
    #expect(streets.role == .network && streets.profile == .bike && streets.speed == 12)
    let catchments = try #require(manifest.analyses.catchments)
    #expect(catchments.network == "streets" && catchments.minutes == [15, 5])
    #expect(catchments.buffer == 30 && catchments.radii.isEmpty)
    let circles = try ManifestReader.parse(
      Self.site(catchments: "{points: stations, radii: [400], units: tracts}"),
      path: "/sites/demo/site.yaml")
    #expect(circles.analyses.catchments?.network == nil)
    #expect(circles.analyses.catchments?.radii == [400])
  }

  @Test(
    arguments: [
      (
        site(layer: "streets: {path: city.osm.pbf, role: network}"),
        ["layers.streets", "no profile", "walk, bike or car"]
      ),
      (
        site(layer: "streets: {path: city.osm.pbf, role: network, profile: tram}"),
        ["'tram'", "walk, bike or car"]
      ),
      (
        site(layer: "streets: {path: city.gpkg, role: lines, profile: walk}"),
        ["layers.streets.profile", "role network", "lines"]
      ),
      (
        site(layer: "streets: {path: city.osm.pbf, role: network, profile: walk, speed: 0}"),
        ["layers.streets.speed", "km/h"]
      ),
      (
        site(catchments: "{points: stations, network: tracts, minutes: [5], units: tracts}"),
        ["'tracts'", "role network", "streets"]
      ),
      (
        site(catchments: "{points: stations, network: streets, units: tracts}"),
        ["no minutes", "minutes: [5, 10, 15]"]
      ),
      (
        site(catchments: "{points: stations, network: streets, minutes: [0, 5], units: tracts}"),
        ["analyses.catchments.minutes", "above 0", "240"]
      ),
      (
        site(catchments: "{points: stations, network: streets, minutes: [-5], units: tracts}"),
        ["analyses.catchments.minutes", "above 0"]
      ),
      (
        site(catchments: "{points: stations, network: streets, minutes: [300], units: tracts}"),
        ["analyses.catchments.minutes", "240"]
      ),
      (
        site(catchments: "{points: stations, network: streets, minutes: [.nan], units: tracts}"),
        ["analyses.catchments.minutes", "number"]
      ),
      (
        site(
          catchments:
            "{points: stations, network: streets, minutes: [5], radii: [400], units: tracts}"),
        ["radii or network", "not both"]
      ),
      (
        site(catchments: "{points: stations, radii: [400], minutes: [5], units: tracts}"),
        ["analyses.catchments.minutes", "goes with network"]
      ),
      (
        site(catchments: "{points: stations, units: tracts}"),
        ["needs radii", "network and minutes"]
      ),
    ])
  func refusesWhatItCannotUse(text: String, mentions: [String]) throws {
    let error = try #require(failure(text), "refused")
    for word in mentions {
      #expect(error.description.contains(word), "\(word) in \(error.description)")
    }
    #expect(error.line != nil, "the error gives its line: \(error.description)")
  }
}
