// Creates and drops every kind of wrapped C object many times, for
// `valgrind --leak-check=full` (see Scripts/leakcheck). With N rounds given as
// the only argument; a leak shows as "definitely lost" bytes growing with N.
import Foundation
import TerritoryKit

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20 : 20
let site = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "Data/sites/olinda"
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
  "territory-leakcheck-\(getpid())")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: scratch) }

for round in 0..<rounds {
  // GEOS: geometries, overlay, prepared geometries, trees, errors.
  let square = try Geometry(wkt: "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))")
  let other = try Geometry(
    wkb: Geometry.rectangle(Envelope(minX: 5, minY: 5, maxX: 15, maxY: 15)).wkb)
  _ = try square.intersection(with: Geometry.polygonal(other.polygonalShape)).area
  _ = try square.buffer(1, quadrantSegments: 4).simplifiedPreservingTopology(tolerance: 0.5)
  _ = try Geometry.unionAll([square, other]).convexHull()
  _ = try Geometry(wkt: "POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))").makeValid().polygonalPart()
  let prepared = try PreparedGeometry(square)
  _ = try prepared.contains(Geometry.point(x: 1, y: 1))
  let tree = STRTree(envelopes: [square.envelope!, other.envelope!])
  _ = tree.query(Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1))
  _ = try? Geometry(wkt: "POLYGON((0 0, 1")

  // PROJ: CRSs, transformers, errors.
  let transformer = try Transformer(from: CRS("EPSG:4326"), to: CRS("EPSG:2154"))
  _ = try transformer.transform(x: 2.3522, y: 48.8566)
  _ = try? CRS("EPSG:999999")

  // GDAL: vector and raster reading, writing, errors.
  let dataset = try VectorDataset(path: "\(site)/olinda_tracts.gpkg")
  var count = 0
  try dataset.layer(at: 0).forEachFeature { _ in count += 1 }
  let raster = try RasterDataset(path: "\(site)/olinda_dem_utm25s.tif")
  _ = try raster.read(band: 1, window: RasterWindow(column: 0, row: 0, width: 10, height: 10))
  _ = try? VectorDataset(path: "\(site)/olinda_dem_utm25s.tif")
  var options = ConversionOptions()
  options.targetCRS = try CRS("EPSG:31985")
  options.policy = .overwrite
  _ = try convertVector(
    input: "\(site)/olinda_tracts.gpkg", output: scratch.appendingPathComponent("t.fgb").path,
    options: options)

  // Tiles: gzip, PNG, hillshade and warp (GDAL memory files), SQLite, a PMTiles
  // archive of the tracts.
  _ = try Gzip.decompress(Gzip.compress(Array(repeating: 7, count: 10_000)))
  _ = try PNGEncoder.encode(
    pixels: Array(repeating: 128, count: 16 * 16 * 2), bands: 2, width: 16, height: 16)
  let shade = try raster.hillshade()
  _ = try shade.warpedToWebMercator(
    band: 1, bounds: Envelope(minX: -3_883_000, minY: -894_000, maxX: -3_882_000, maxY: -893_000),
    width: 8,
    height: 8, resampling: "bilinear", sourceCRS: nil)
  let database = try SQLiteDatabase(
    path: scratch.appendingPathComponent("t.sqlite").path, create: true)
  try database.execute("CREATE TABLE IF NOT EXISTS t (a INTEGER)")
  try database.execute("INSERT INTO t VALUES (?1)", rows: [[.integer(1)]])
  _ = try database.query("SELECT count(*) FROM t")
  _ = try? SQLiteDatabase(path: "/nonexistent/x.sqlite")
  var tileOptions = VectorTileOptions()
  tileOptions.maxZoom = 8
  _ = try VectorTileJob.run(
    inputs: [VectorTileJob.Input(path: "\(site)/olinda_tracts.gpkg")],
    output: scratch.appendingPathComponent("t.pmtiles").path, options: tileOptions, fields: .all,
    assumedCRS: nil, guessMaxZoom: false, policy: .overwrite)
  if round == 0 { print("round 0: \(count) features read") }
}
print("\(rounds) rounds done")
