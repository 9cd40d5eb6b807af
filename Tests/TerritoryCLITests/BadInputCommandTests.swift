import Foundation
import Testing

/// Every bad input gets one line `error: ...` naming what is wrong, exit code 1
/// (64 for a command line that does not parse), and leaves no output behind.
@Suite("Bad input on the command line")
struct BadInputCommandTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    /// Arguments; `{dir}` is the scratch folder, `{tracts}` and `{dem}` the bundled data.
    let arguments: [String]
    /// Files to create in the scratch folder first: name and content.
    let files: [String: String]
    /// Words the error line must contain.
    let mentions: [String]
    var status: Int32 = 1
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "missing file", arguments: ["info", "{dir}/nowhere.gpkg"], files: [:],
      mentions: ["nowhere.gpkg", "does not exist"]),
    Case(
      name: "file GDAL cannot open", arguments: ["info", "{dir}/notes.gpkg"],
      files: ["notes.gpkg": "plain text, not geodata"], mentions: ["notes.gpkg", "cannot open"]),
    Case(
      name: "truncated GeoJSON", arguments: ["convert", "{dir}/cut.geojson", "{dir}/out.gpkg"],
      files: [
        "cut.geojson":
          #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coord"#
      ],
      mentions: ["cut.geojson"]),
    Case(
      name: "unknown layer", arguments: ["convert", "{tracts}", "{dir}/out.gpkg", "-l", "roads"],
      files: [:],
      mentions: ["roads", "olinda_tracts"]),
    // CRS options are parsed by the command line: a CRS PROJ does not know is a usage error.
    Case(
      name: "unknown CRS",
      arguments: ["convert", "{tracts}", "{dir}/out.gpkg", "--to-crs", "EPSG:999999"],
      files: [:], mentions: ["EPSG:999999", "--to-crs"], status: 64),
    Case(
      name: "output exists", arguments: ["convert", "{tracts}", "{dir}/taken.gpkg"],
      files: ["taken.gpkg": "keep me"], mentions: ["taken.gpkg", "--overwrite"]),
    Case(
      name: "output folder missing", arguments: ["convert", "{tracts}", "{dir}/no/such/out.gpkg"],
      files: [:],
      mentions: ["does not exist"]),
    Case(
      name: "raster where vector is expected", arguments: ["convert", "{dem}", "{dir}/out.gpkg"],
      files: [:],
      mentions: ["olinda_dem_utm25s.tif", "raster"]),
    Case(
      name: "empty layer", arguments: ["convert", "{dir}/empty.geojson", "{dir}/out.gpkg"],
      files: ["empty.geojson": #"{"type":"FeatureCollection","features":[]}"#],
      mentions: ["empty", "no features"]),
    Case(
      name: "NaN coordinates", arguments: ["convert", "{dir}/nan.geojson", "{dir}/out.gpkg"],
      files: [
        "nan.geojson":
          #"{"type":"FeatureCollection","features":[{"type":"Feature","id":3,"properties":{},"geometry":{"type":"LineString","coordinates":[[NaN,0],[1,1]]}}]}"#
      ],
      mentions: ["feature 3", "NaN"]),
    Case(
      name: "unknown output format", arguments: ["convert", "{tracts}", "{dir}/out.xyz"],
      files: [:],
      mentions: ["out.xyz", ".gpkg"]),
    Case(
      name: "GeoJSON in a projected CRS",
      arguments: ["convert", "{tracts}", "{dir}/out.geojson", "--to-crs", "EPSG:31985"],
      files: [:], mentions: ["RFC 7946", "EPSG:31985"]),
    Case(
      name: "unknown option", arguments: ["convert", "{tracts}", "{dir}/out.gpkg", "--frobnicate"],
      files: [:],
      mentions: ["frobnicate"], status: 64),
    // territory change: each date checked, the date named by its file.
    Case(
      name: "change: a variable missing in the later date",
      arguments: [
        "change", "{tracts}", "{tracts}", "--to-crs", "EPSG:31985", "--onto", "before",
        "--extensive", "V014:POP22", "-o", "{dir}/change.gpkg",
      ], files: [:], mentions: ["POP22", "olinda_tracts", "V014"]),
    Case(
      name: "change: a text variable",
      arguments: [
        "change", "{tracts}", "{tracts}", "--to-crs", "EPSG:31985", "--grid", "500",
        "--extensive", "NM_BAIR", "-o", "{dir}/change.gpkg",
      ], files: [:], mentions: ["NM_BAIR", "String"]),
    Case(
      name: "change: an invalid unit without --make-valid",
      arguments: [
        "change", "{tracts}", "{dir}/bowtie.geojson", "--to-crs", "EPSG:31985", "--grid", "500",
        "--extensive", "V014:pop", "-o", "{dir}/change.gpkg",
      ],
      files: [
        "bowtie.geojson":
          #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"pop":5},"geometry":{"type":"Polygon","coordinates":[[[-34.85,-8.0],[-34.84,-7.99],[-34.84,-8.0],[-34.85,-7.99],[-34.85,-8.0]]]}}]}"#
      ], mentions: ["bowtie.geojson", "--make-valid"]),
    Case(
      name: "change: two targets at once",
      arguments: [
        "change", "{tracts}", "{tracts}", "--to-crs", "EPSG:31985", "--grid", "500", "--onto",
        "after", "--extensive", "V014", "-o", "{dir}/change.gpkg",
      ], files: [:], mentions: ["--grid", "--onto"], status: 64),
    // territory regions.
    Case(
      name: "regions: a floor no region can reach",
      arguments: [
        "regions", "{tracts}", "--to-crs", "EPSG:31985", "--min", "V014=1e9", "-o",
        "{dir}/regions.gpkg",
      ], files: [:], mentions: ["V014", "377779", "lower --min"]),
    Case(
      name: "regions: a floor field that does not exist",
      arguments: [
        "regions", "{tracts}", "--to-crs", "EPSG:31985", "--min", "POP=10", "-o",
        "{dir}/regions.gpkg",
      ], files: [:], mentions: ["POP", "V014"]),
    Case(
      name: "regions: a text variable",
      arguments: [
        "regions", "{tracts}", "--to-crs", "EPSG:31985", "--min", "V014=1000", "--by", "TIPO",
        "-o", "{dir}/regions.gpkg",
      ], files: [:], mentions: ["TIPO", "String"]),
    Case(
      name: "regions: more regions than units",
      arguments: [
        "regions", "{tracts}", "--to-crs", "EPSG:31985", "--min", "V014=0", "--method", "skater",
        "--regions", "471", "-o", "{dir}/regions.gpkg",
      ], files: [:], mentions: ["471", "470"]),
    Case(
      name: "regions: skater without --regions",
      arguments: [
        "regions", "{tracts}", "--to-crs", "EPSG:31985", "--min", "V014=1000", "--method",
        "skater", "-o", "{dir}/regions.gpkg",
      ], files: [:], mentions: ["skater", "--regions"]),
    Case(
      name: "regions: an invalid unit without --make-valid",
      arguments: [
        "regions", "{dir}/bowtie.geojson", "--to-crs", "EPSG:31985", "--min", "pop=1", "-o",
        "{dir}/regions.gpkg",
      ],
      files: [
        "bowtie.geojson":
          #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"pop":5},"geometry":{"type":"Polygon","coordinates":[[[-34.85,-8.0],[-34.84,-7.99],[-34.84,-8.0],[-34.85,-7.99],[-34.85,-8.0]]]}}]}"#
      ], mentions: ["bowtie.geojson", "--make-valid"]),
    Case(
      name: "regions: a floor that is not FIELD=VALUE",
      arguments: [
        "regions", "{tracts}", "--to-crs", "EPSG:31985", "--min", "V014", "-o",
        "{dir}/regions.gpkg",
      ], files: [:], mentions: ["--min", "FIELD=VALUE"], status: 64),
  ]

  @Test(arguments: cases)
  func refused(_ testCase: Case) throws {
    try Territory.expectRefused(
      testCase.arguments, files: testCase.files, mentions: testCase.mentions,
      status: testCase.status)
  }
}
