import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@Suite("convertVector")
struct ConversionTests {
  /// The total of V014 and the attribute rows of a converted file (without the
  /// `WKT` column that CSV files read back as an attribute too).
  func census(_ path: String) throws -> (population: Int64, rows: Set<[FieldValue]>, count: Int) {
    let layer = try VectorDataset(path: path).layer(at: 0)
    let names = layer.fields.map(\.name)
    let kept = names.indices.filter { names[$0] != "WKT" }
    let residents = try #require(names.firstIndex(of: "V014"))
    var population: Int64 = 0
    var rows = Set<[FieldValue]>()
    var count = 0
    try layer.forEachFeature { feature in
      count += 1
      rows.insert(kept.map { feature.attributes[$0] })
      if case .integer(let v) = feature.attributes[residents] { population += v }
    }
    return (population, rows, count)
  }

  @Test("every feature and attribute is kept", arguments: ["gpkg", "geojson", "fgb", "shp", "csv"])
  func keepsEverything(ext: String) throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("tracts.\(ext)").path
    var options = ConversionOptions()
    options.sourceCRS = try CRS("EPSG:4674")
    if ext != "geojson" { options.targetCRS = try CRS("EPSG:31985") }
    let report = try convertVector(input: Fixtures.tracts, output: output, options: options)
    #expect(report.layers.count == 1)
    #expect(report.layers[0].read == 470 && report.layers[0].written == 470)
    let source = try census(Fixtures.tracts)
    let copy = try census(output)
    #expect(copy.count == 470)
    #expect(copy.population == 377_779)
    // CSV cannot tell an empty text from no value: GDAL reads both back as "".
    let expected =
      ext == "csv"
      ? Set(source.rows.map { row in row.map { $0 == .null ? FieldValue.string("") : $0 } })
      : source.rows
    #expect(copy.rows.symmetricDifference(expected).isEmpty)
    #expect(
      try VectorDataset(path: output).layer(at: 0).crs?.epsgCode
        == (ext == "geojson" ? 4326 : 31985))
  }

  /// Ellipsoidal area of a longitude/latitude box (authalic latitude formula).
  static func ellipsoidalArea(_ box: Envelope) -> Double {
    let a = 6_378_137.0
    let f = 1 / 298.257223563
    let e2 = f * (2 - f)
    let e = e2.squareRoot()
    func q(_ latitude: Double) -> Double {
      let s = sin(latitude * .pi / 180)
      return (1 - e2) * (s / (1 - e2 * s * s) - log((1 - e * s) / (1 + e * s)) / (2 * e))
    }
    return a * a / 2 * (box.width * .pi / 180) * (q(box.maxY) - q(box.minY))
  }

  @Test func areaAfterReprojectionMatchesTheEllipsoidFormula() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let box = Envelope(minX: -35, minY: -8, maxX: -34, maxY: -7)
    let input = folder.appendingPathComponent("box.gpkg").path
    let writer = try VectorWriter(path: input, policy: .refuse)
    let layer = try writer.addLayer(
      name: "box", geometryType: .polygon, crs: CRS("EPSG:4326"), fields: [])
    try writer.write(
      Feature(id: 1, attributes: [], geometry: Geometry.rectangle(box)), toLayer: layer)
    try writer.commit()
    // EPSG:6933 is a cylindrical equal-area projection of the WGS 84 ellipsoid:
    // a longitude/latitude box stays a rectangle with the ellipsoidal area.
    var options = ConversionOptions()
    options.targetCRS = try CRS("EPSG:6933")
    let output = folder.appendingPathComponent("box.fgb").path
    _ = try convertVector(input: input, output: output, options: options)
    var area = 0.0
    try VectorDataset(path: output).layer(at: 0).forEachFeature { area += $0.geometry?.area ?? 0 }
    let expected = Self.ellipsoidalArea(box)
    #expect(abs(area - expected) / expected < 1e-9)
    // One degree by one degree near 7.5° S: about 110.6 km x 110.3 km.
    #expect((12.0e9...12.4e9).contains(expected))
  }

  @Test func areasAgreeWithOgr2ogr() throws {
    let ogr2ogr = "/usr/bin/ogr2ogr"
    try #require(
      FileManager.default.fileExists(atPath: ogr2ogr), "gdal-bin is installed by Scripts/setup")
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let ours = folder.appendingPathComponent("ours.gpkg").path
    let theirs = folder.appendingPathComponent("theirs.gpkg").path
    var options = ConversionOptions()
    options.sourceCRS = try CRS("EPSG:4674")
    options.targetCRS = try CRS("EPSG:31985")
    _ = try convertVector(input: Fixtures.tracts, output: ours, options: options)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ogr2ogr)
    process.arguments = ["-s_srs", "EPSG:4674", "-t_srs", "EPSG:31985", theirs, Fixtures.tracts]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    func areas(_ path: String) throws -> [String: Double] {
      var result: [String: Double] = [:]
      try VectorDataset(path: path).layer(at: 0).forEachFeature { feature in
        result[feature.attributes[1].description] = feature.geometry?.area
      }
      return result
    }
    let a = try areas(ours)
    let b = try areas(theirs)
    #expect(a.count == 470 && b.count == 470)
    for (code, area) in a {
      let other = try #require(b[code])
      #expect(abs(area - other) <= 1e-9 * other, "tract \(code)")
    }
    // Olinda covers about 41.7 km² (IBGE); the tracts add up to about that.
    let total = a.values.reduce(0, +)
    #expect((35e6...50e6).contains(total))
  }

  @Test func makeValidRepairsAndCounts() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = try Fixtures.write(
      """
      {"type":"FeatureCollection","features":[
      {"type":"Feature","id":1,"properties":{"n":1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}},
      {"type":"Feature","id":2,"properties":{"n":2},"geometry":{"type":"Polygon","coordinates":[[[5,5],[6,5],[6,6],[5,6],[5,5]]]}}]}
      """, to: "bowtie.geojson", in: folder)
    var options = ConversionOptions()
    let kept = try convertVector(
      input: input, output: folder.appendingPathComponent("kept.gpkg").path, options: options)
    #expect(kept.layers[0].invalid == 1 && kept.layers[0].repaired == 0)
    #expect(kept.layers[0].firstInvalidIDs == [1])
    options.makeValid = true
    let output = folder.appendingPathComponent("fixed.gpkg").path
    let fixed = try convertVector(input: input, output: output, options: options)
    #expect(fixed.layers[0].repaired == 1)
    #expect(fixed.layers[0].geometryType == .multiPolygon)
    var areas: [Double] = []
    try VectorDataset(path: output).layer(at: 0).forEachFeature { feature in
      #expect(feature.geometry?.isValid == true)
      #expect(feature.geometry?.type == .multiPolygon)
      areas.append(feature.geometry?.area ?? 0)
    }
    #expect(areas == [2, 1])
  }

  @Test func refusalsLeaveNothingBehind() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    var options = ConversionOptions()
    options.targetCRS = try CRS("EPSG:2154")
    #expect(throws: ConversionError.self) {
      try convertVector(
        input: Fixtures.tracts, output: folder.appendingPathComponent("x.geojson").path,
        options: options)
    }
    // A layer without CRS cannot be reprojected.
    let noCRS = try Fixtures.write("WKT,id\n\"POINT (1 2)\",1\n", to: "points.csv", in: folder)
    #expect(throws: GDALError.missingCRS(path: noCRS, layer: "points")) {
      try convertVector(
        input: noCRS, output: folder.appendingPathComponent("p.gpkg").path, options: options)
    }
    // An empty layer.
    let empty = folder.appendingPathComponent("empty.gpkg").path
    let writer = try VectorWriter(path: empty, policy: .refuse)
    _ = try writer.addLayer(name: "nothing", geometryType: .point, crs: nil, fields: [])
    try writer.commit()
    #expect(throws: GDALError.emptyLayer(path: empty, layer: "nothing")) {
      try convertVector(
        input: empty, output: folder.appendingPathComponent("e.fgb").path,
        options: ConversionOptions())
    }
    // A bad feature in the middle of the input: the partial output is removed.
    let broken = try Fixtures.write(
      """
      {"type":"FeatureCollection","features":[
      {"type":"Feature","id":1,"properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}},
      {"type":"Feature","id":2,"properties":{},"geometry":{"type":"LineString","coordinates":[[NaN,0],[1,1]]}}]}
      """, to: "broken.geojson", in: folder)
    #expect(throws: GDALError.self) {
      try convertVector(
        input: broken, output: folder.appendingPathComponent("b.gpkg").path,
        options: ConversionOptions())
    }
    #expect(Fixtures.contents(of: folder) == ["broken.geojson", "empty.gpkg", "points.csv"])
  }
}
