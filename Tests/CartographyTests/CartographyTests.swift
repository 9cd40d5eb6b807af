import Foundation
import GEOSKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@testable import Cartography
@testable import Style

@Suite("Classification")
struct ClassificationTests {
  @Test func handComputedBreaks() {
    #expect(
      Classification.breaks([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], scheme: .equalInterval, classes: 5)
        == [2, 4, 6, 8, 10])
    // numpy.quantile([1, 2, 3, 4, 5], [0.5, 1.0]) = [3, 5]
    #expect(Classification.breaks([5, 1, 4, 2, 3], scheme: .quantiles, classes: 2) == [3, 5])
    // Two obvious groups.
    #expect(
      Classification.breaks([1, 2, 3, 10, 11, 12], scheme: .naturalBreaks, classes: 2) == [3, 12])
    // Three groups; the least squared deviation puts 20 alone.
    #expect(
      Classification.breaks([1, 1, 2, 9, 10, 11, 20], scheme: .naturalBreaks, classes: 3) == [
        2, 11, 20,
      ])
    // Head/tail: mean 2.8 with one value (20%) above it; that head alone stops it.
    #expect(Classification.breaks([1, 1, 1, 1, 10], scheme: .headTail, classes: 5) == [2.8, 10])
    #expect(Classification.breaks([1, 5, 9], scheme: .manual([4, 8]), classes: 5) == [4, 8, 9])
  }

  @Test func fewerDistinctValuesThanClasses() {
    #expect(Classification.breaks([3, 3, 7, 7], scheme: .naturalBreaks, classes: 5) == [3, 7])
    #expect(Classification.breaks([3, 3, 3], scheme: .equalInterval, classes: 4) == [3])
    // A count that is mostly zero, as stations per 100 m square: the sample
    // natural breaks runs on holds fewer distinct values than the whole layer,
    // and its classes once repeated 0 ("> 0 – 0" in the legend).
    let stations = [Double](repeating: 0, count: 9_995) + [1, 2, 3, 4, 6]
    let breaks = Classification.breaks(stations, scheme: .naturalBreaks, classes: 5)
    #expect(Set(Classification.sample(stations.sorted())).count < 5)
    #expect(zip(breaks, breaks.dropFirst()).allSatisfy { $0 < $1 }, "\(breaks)")
    #expect(breaks.first == 0 && breaks.last == 6, "\(breaks)")
  }

  @Test func classOfAValue() {
    let breaks = [2.0, 4, 6]
    #expect(Classification.classIndex(of: 1, breaks: breaks) == 0)
    #expect(Classification.classIndex(of: 2, breaks: breaks) == 0)  // upper bounds are inclusive
    #expect(Classification.classIndex(of: 2.5, breaks: breaks) == 1)
    #expect(Classification.classIndex(of: 6, breaks: breaks) == 2)
  }

  @Test(
    .enabled(
      if: MapclassifyPython.path != nil,
      "needs a Python with mapclassify: Scripts/test makes .build/venv-classification"))
  func agreesWithMapclassify() throws {
    let python = try #require(MapclassifyPython.path)
    let script = Fixtures.root.appendingPathComponent("Scripts/crosscheck_classification.py")
    // Skewed values, as densities are: a deterministic sample.
    let values = (1...400).map { index -> Double in
      let x = Double(index)
      return (x * 37).truncatingRemainder(dividingBy: 101) + pow(x / 40, 3)
    }
    var cases: [[String: Any]] = []
    for (name, scheme) in [
      ("quantiles", ClassificationScheme.quantiles), ("equal-interval", .equalInterval),
      ("natural-breaks", .naturalBreaks),
    ] {
      cases.append([
        "scheme": name, "k": 5, "breaks": Classification.breaks(values, scheme: scheme, classes: 5),
      ])
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "classification-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: file) }
    try JSONSerialization.data(withJSONObject: ["values": values, "cases": cases]).write(to: file)
    let process = Process()
    process.executableURL = python
    process.arguments = [script.path, file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(output)")
  }
}

/// A Python that imports mapclassify, in one of the virtual environments the scripts make.
enum MapclassifyPython {
  static let path: URL? = [".build/venv-classification", ".build/venv-crosscheck"].lazy.map {
    Fixtures.root.appendingPathComponent($0 + "/bin/python")
  }.first { python in
    guard FileManager.default.isExecutableFile(atPath: python.path) else { return false }
    let process = Process()
    process.executableURL = python
    process.arguments = ["-c", "import mapclassify"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }
}

@Suite("Map measures and words")
struct MapMeasureTests {
  @Test func roundScaleBarLengths() {
    #expect(MapGeometry.roundLength(below: 3_700) == 2_000)
    #expect(MapGeometry.roundLength(below: 5_200) == 5_000)
    #expect(MapGeometry.roundLength(below: 140) == 100)
    #expect(MapGeometry.roundLength(below: 0.9) == 0.5)
  }

  @Test func northArrowFollowsTheGridConvergence() throws {
    // Lambert-93 at Strasbourg (7.75 E, 48.58 N): γ = (λ − 3°)·sin 46.5° ≈ 3.45°,
    // true north leaning west of grid north.
    let lambert = try CRS("EPSG:2154")
    let strasbourg = try Transformer(from: CRS.wgs84, to: lambert).transform(x: 7.75, y: 48.58)
    let angle = try MapGeometry.northAngle(at: SIMD2(strasbourg.x, strasbourg.y), crs: lambert)
    #expect(abs(angle - -3.45) < 0.05)
    // UTM 25 south at Olinda (34.85 W, 8 S): γ = atan(tan(−1.85°)·sin(−8°)) ≈ 0.257°;
    // west of the central meridian, south of the equator, meridians spread apart
    // northwards, so true north leans west here too.
    let utm = try CRS("EPSG:31985")
    let olinda = try Transformer(from: CRS.wgs84, to: utm).transform(x: -34.85, y: -8.0)
    #expect(
      abs(try MapGeometry.northAngle(at: SIMD2(olinda.x, olinda.y), crs: utm) - -0.257) < 0.01)
  }

  @Test func groundScaleOfUTM() throws {
    // Near the edge of a UTM zone a grid metre is a little more than a ground metre.
    let utm = try CRS("EPSG:31985")
    let olinda = try Transformer(from: CRS.wgs84, to: utm).transform(x: -34.85, y: -8.0)
    let ratio = try MapGeometry.groundScale(at: SIMD2(olinda.x, olinda.y), crs: utm)
    #expect(abs(ratio - 1) < 0.005)
  }

  @Test func numbersPerLanguage() {
    #expect(NumberStyle.fr.format(1234.5, decimals: 1) == "1\u{202F}234,5")
    #expect(NumberStyle.en.format(1234.5, decimals: 1) == "1,234.5")
    #expect(NumberStyle.ar.format(1234.5, decimals: 1) == "1\u{066C}234\u{066B}5")
    #expect(NumberStyle.en.format(-1_234_567, decimals: 0) == "-1,234,567")
    #expect(NumberStyle.fr.format(0.25, decimals: 2) == "0,25")
  }

  @Test func legendDecimals() {
    #expect(NumberStyle.decimals(for: [0.98, 1.95, 2.9, 4.1, 9.0]) == 2)
    #expect(NumberStyle.decimals(for: [5_057, 10_482, 15_938, 56_384]) == 0)
    #expect(NumberStyle.decimals(for: [0.125, 0.5, 1]) == 2)
    #expect(NumberStyle.decimals(for: [1.001, 1.002, 2]) == 3)  // more until bounds differ
    // Never more decimals than the data carries.
    #expect(NumberStyle.decimals(for: [0.5, 1], precision: 0) == 0)
    #expect(NumberStyle.precision(of: [1, 2, 30]) == 0)
    #expect(NumberStyle.precision(of: [1.5, 2.25]) == 2)
    #expect(NumberStyle.precision(of: [1 / 3]) == 6)
  }

  /// Legend labels as the issue found them: "920,938 – 920,938", two classes
  /// starting at 5,163, "1.0 – 1.0" for whole numbers. A class shows its own
  /// smallest and largest value, a one-value class its value, counts no decimals.
  @Test func legendLabelsNeverRepeatABound() {
    let wide: (String, Double) -> Double = { _, _ in 0 }
    func labels(_ values: [Double], _ breaks: [Double]) -> [String] {
      LegendLabels.make(
        values: values, breaks: breaks, numbers: .en, width: 100, size: 10, measure: wide
      ).labels
    }
    #expect(
      labels(
        [920_938, 4_510_327, 142_257_519, 326_625_791],
        [920_938, 4_510_327, 142_257_519, 326_625_791])
        == ["920,938", "4,510,327", "142,257,519", "326,625,791"])
    #expect(
      labels([5_163, 5_163, 9_000, 22_366], [5_163, 22_366]) == ["5,163", "9,000 – 22,366"])
    #expect(labels([0, 1, 1, 2, 3], [1, 3]) == ["0 – 1", "2 – 3"])
    #expect(labels([0.25, 0.5, 2.75], [0.5, 2.75]) == ["0.25 – 0.50", "2.75"])
    // A manual class no value falls in shows the bounds that define it.
    #expect(labels([1, 9], [2, 5, 9]) == ["1", "> 2 – 5", "9"])
    // Neighbouring classes meeting at almost the same value ask for no
    // decimals (a density legend printed "26,240.4904"); a class whose own
    // bounds would print alike, or two classes printing alike, do.
    #expect(
      labels([100.25, 26_240.4904, 26_240.5012, 40_000.25], [26_240.4904, 40_000.25])
        == ["100 – 26,240", "26,241 – 40,000"])
    #expect(labels([10.21, 10.48, 300.75], [10.48, 300.75]) == ["10.2 – 10.5", "300.8"])
    #expect(labels([1.001, 1.002], [1.001, 1.002]) == ["1.001", "1.002"])
  }

  /// Labels too wide for the legend are divided by a power of a thousand, with
  /// a unit line, rather than wrapped (widths measured as 6 points a character).
  @Test func wideLegendLabelsAreDividedNotWrapped() {
    let legend = LegendLabels.make(
      values: [1_937_478_508, 3_045_212_795, 500_000_000], breaks: [1_937_478_508, 3_045_212_795],
      numbers: .fr, width: 80, size: 10
    ) { text, size in Double(text.count) * 6 * size / 10 }
    #expect(legend.unitLine == "× 1\u{202F}000\u{202F}000")
    #expect(legend.labels == ["500 – 1\u{202F}937", "3\u{202F}045"])
    #expect(legend.labels.allSatisfy { Double($0.count) * 6 <= 80 })
  }

  @Test func palettes() throws {
    let palette = try Palette("ylorrd")
    #expect(palette.name == "YlOrRd" && palette.colourBlindSafe)
    #expect(
      try palette.colours(5).map(\.hex) == ["#FFFFB2", "#FECC5C", "#FD8D3C", "#F03B20", "#BD0026"])
    #expect(try Palette("YlOrRd", reversed: true).colours(3).first?.hex == "#F03B20")
    #expect(throws: StyleError.self) { try Palette("Yellows") }
    // matplotlib's perceptually uniform maps, by any case (viridis(0.5) = #21918C).
    for name in ["Viridis", "MAGMA", "cividis"] {
      let uniform = try Palette(name)
      #expect(uniform.kind == .sequential && uniform.colourBlindSafe)
    }
    #expect(try Palette("Viridis").colours(3).map(\.hex) == ["#440154", "#21918C", "#FDE725"])
    #expect(throws: StyleError.tooManyClasses(palette: "Set2", requested: 9, maximum: 8)) {
      try Palette("Set2").colours(9)
    }
  }
}

/// A world layer was drawn in the UTM zone of its centre, which cannot hold
/// Indonesia ("Point outside of projection domain"): wide layers get a
/// projection that covers them.
@Suite("Map projection for wide layers")
struct MapProjectionTests {
  func layer(_ longitudes: [Double]) throws -> String {
    let folder = try Fixtures.scratch()
    let features = longitudes.map { x in
      #"{"type":"Feature","properties":{"v":1},"geometry":{"type":"Polygon","coordinates":[[[\#(x),0],[\#(x + 1),0],[\#(x + 1),1],[\#(x),0]]]}}"#
    }
    return try Fixtures.write(
      #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}",
      to: "wide.geojson", in: folder)
  }

  /// The longitudes of the polygons, the projection expected, and the centre
  /// longitude it must have (hand-computed: the middle of the shortest arc).
  @Test(arguments: [
    ([10.0, 12], "UTM zone 32N", 11.5), ([-10, 30], "Lambert Azimuthal", 10.5),
    ([-170, -60, 60], "Equal Earth", -55),
    // Across the antimeridian: 170°E to 174°W is 16° wide, centred on 178°E.
    ([170, -175], "Lambert Azimuthal", 178),
  ])
  func theProjectionCoversTheLayer(longitudes: [Double], expected: String, centre: Double) throws {
    let path = try layer(longitudes)
    defer {
      try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }
    let (features, projection) = try MapData.load(path: path, layer: nil, column: "v")
    #expect(features.count == longitudes.count)
    let crs = projection.crs
    #expect(crs.name.contains(expected) || crs.wkt.contains(expected), "\(crs.name)")
    if !expected.hasPrefix("UTM") {
      #expect(crs.definition.contains("+lon_0=\(centre.rounded())"), "\(crs.definition)")
    }
  }

  /// Fiji's two halves, either side of 180°, drawn in the projection centred on
  /// them: the halves meet (one piece), and a polygon straddling the meridian
  /// opposite the centre is cut along it instead of being smeared across the map.
  @Test func partsAcrossTheAntimeridianMeet() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try Fixtures.write(
      #"""
      {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"v":1},"geometry":
      {"type":"MultiPolygon","coordinates":[[[[177,-18],[180,-18],[180,-16],[177,-16],[177,-18]]],
      [[[-180,-18],[-178,-18],[-178,-16],[-180,-16],[-180,-18]]]]}}]}
      """#, to: "fiji.geojson", in: folder)
    let (features, projection) = try MapData.load(path: path, layer: nil, column: "v")
    #expect(projection.caption.contains("180°E"), "\(projection.caption)")
    let parts = features[0].polygons.map { rings in rings[0].map(\.x) }
    #expect(parts.count == 2)
    let (west, east) =
      parts[0].max()! < parts[1].max()! ? (parts[0], parts[1]) : (parts[1], parts[0])
    #expect(
      abs(west.max()! - east.min()!) < 1, "the halves are \(east.min()! - west.max()!) m apart")
    // A ring across the seam (-1°) of a projection centred on 179°: two pieces.
    let straddling = try Geometry(
      wkt: "POLYGON((-5 0, 3 0, 3 2, -5 2, -5 0))")
    let cut = try MapData.cut(straddling, along: -1)
    #expect(cut.polygonRings().count == 2)
  }

  @Test func theShortestArcCrossesTheAntimeridian() throws {
    func box(_ west: Double, _ east: Double) -> Envelope {
      Envelope(minX: west, minY: -10, maxX: east, maxY: 10)
    }
    // Fiji: two parts either side of 180°.
    let fiji = try #require(GeographicExtent.covering([box(177, 180), box(-180, -178)]))
    #expect(fiji.west == 177 && fiji.east == 182 && fiji.width == 5)
    #expect(fiji.centreLongitude == 179.5)
    // The world: no gap, from -180 to 180.
    let world = try #require(GeographicExtent.covering([box(-180, 0), box(-10, 180)]))
    #expect(world.west == -180 && world.east == 180)
  }

  @Test func aCRSMadeForAnotherPlaceIsRefused() throws {
    let world = GeographicExtent(west: -180, east: 180, south: -90, north: 84)
    let reason = try #require(MapProjection.unsuitability(of: try CRS("32631"), for: world))
    #expect(reason.contains("EPSG:32631 is meant for 0° to 6.0°E"), "\(reason)")
    let chicago = GeographicExtent(west: -87.9, east: -87.5, south: 41.6, north: 42.1)
    #expect(MapProjection.unsuitability(of: try CRS("EPSG:3435"), for: chicago) == nil)
    #expect(MapProjection.unsuitability(of: try CRS("EPSG:8857"), for: world) == nil)
  }
}
