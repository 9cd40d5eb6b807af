import Testing

@testable import WebServer

@Suite("Media types")
struct MediaTypeTests {
  @Test func typesByExtension() {
    #expect(MediaType.of("index.html") == "text/html; charset=utf-8")
    #expect(MediaType.of("territory.js") == "text/javascript; charset=utf-8")
    #expect(MediaType.of("maplibre-gl.css") == "text/css; charset=utf-8")
    #expect(MediaType.of("site.json") == "application/json")
    #expect(MediaType.of("tiles/3/4/5.pbf") == "application/vnd.mapbox-vector-tile")
    #expect(MediaType.of("hillshade/3/4/5.PNG") == "image/png")
    #expect(MediaType.of("grid100.geojson") == "application/geo+json")
    #expect(MediaType.of("site.pmtiles") == "application/vnd.pmtiles")
    #expect(MediaType.of("README") == "application/octet-stream")
    #expect(MediaType.of("data.unknown") == "application/octet-stream")
  }

  @Test func onlyTilesAndJSONAreDeclaredCompressedInPlace() {
    #expect(MediaType.isCompressedInPlace("0.pbf") && MediaType.isCompressedInPlace("a.mvt"))
    #expect(MediaType.isCompressedInPlace("site.json"))
    #expect(
      !MediaType.isCompressedInPlace("tiles.tar.gz") && !MediaType.isCompressedInPlace("a.png"))
  }
}
