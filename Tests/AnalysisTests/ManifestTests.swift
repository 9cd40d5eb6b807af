import Foundation
import GEOSKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@testable import Analysis

@Suite("site.yaml")
struct ManifestTests {
  static let valid = """
    name: demo
    title: {fr: Démo, en: Demo, ar: عرض}
    crs: EPSG:31985
    layers:
      tracts:
        path: tracts.gpkg
        role: units
        variables:
          V014: {kind: extensive, label: {en: Residents}}
          TIPO: {kind: categorical}
    scales:
      - {name: grid100, grid: 100}
      - {name: hex250, hex: 250}
      - {name: bairros, dissolve: tracts, by: NM_BAIR}
    """

  func parse(_ text: String) throws -> SiteManifest {
    try ManifestReader.parse(text, path: "/sites/demo/site.yaml")
  }

  func failure(_ text: String) -> SiteError? {
    do {
      _ = try parse(text)
      return nil
    } catch let error as SiteError {
      return error
    } catch {
      return SiteError(path: "", message: "unexpected \(error)")
    }
  }

  @Test func readsAValidManifest() throws {
    let manifest = try parse(Self.valid)
    #expect(manifest.name == "demo" && manifest.crs == "EPSG:31985")
    #expect(manifest.titles["ar"] == "عرض")
    #expect(manifest.languages == ["ar", "en", "fr"])
    #expect(manifest.layers.map(\.key) == ["tracts"])
    #expect(manifest.layers[0].variables.map(\.kind) == [.extensive, .categorical])
    #expect(
      manifest.scales.map(\.kind) == [
        .grid(hexagonal: false, cell: 100), .grid(hexagonal: true, cell: 250),
        .dissolve(layer: "tracts", field: "NM_BAIR"),
      ])
    #expect(manifest.analyses == AnalysesSpec())
  }

  @Test func yamlSyntaxErrorGivesLineAndColumn() throws {
    let error = try #require(failure("name: demo\ncrs: [EPSG:31985\nlayers: {}\n"))
    #expect(error.line != nil && error.column != nil)
    #expect(error.description.contains("line "))
    #expect(error.message.contains("YAML syntax error"))
  }

  @Test func unknownKeyIsNamedWithTheValidOnes() throws {
    let error = try #require(
      failure(
        Self.valid.replacingOccurrences(
          of: "    role: units", with: "    role: units\n    colour: red")))
    #expect(error.message.contains("unknown key 'colour'"))
    #expect(error.message.contains("path, layer, crs, role, id, variables"))
    #expect(error.line == 8)
  }

  @Test func missingRequiredKey() throws {
    let error = try #require(
      failure(Self.valid.replacingOccurrences(of: "crs: EPSG:31985\n", with: "")))
    #expect(error.message.contains("misses the required key 'crs'"))
  }

  @Test func negativeCell() throws {
    let error = try #require(
      failure(Self.valid.replacingOccurrences(of: "grid: 100", with: "grid: -100")))
    #expect(error.message.contains("scale 'grid100'") && error.message.contains("-100"))
    #expect(error.line == 12)
  }

  @Test func pathLeavingTheSiteFolder() throws {
    let text = Self.valid.replacingOccurrences(
      of: "path: tracts.gpkg", with: "path: ../other/tracts.gpkg")
    let error = try #require(failure(text))
    #expect(
      error.message.contains("leaves the site folder") && error.message.contains("allow-outside"))
    #expect(try parse(text + "\nallow-outside: true").layers[0].path == "../other/tracts.gpkg")
  }

  @Test func variableInTwoKinds() throws {
    let text = Self.valid.replacingOccurrences(
      of: "      TIPO: {kind: categorical}",
      with: "      TIPO: {kind: categorical}\n      V014: {kind: intensive}")
    let error = try #require(failure(text))
    #expect(
      error.message.contains("'V014' is declared twice"), "\(error.message)")
    #expect(
      error.message.contains("'V014' is declared twice")
        && error.message.contains("extensive and intensive"))
  }

  @Test func unknownRoleAndKind() throws {
    #expect(
      failure(Self.valid.replacingOccurrences(of: "role: units", with: "role: communes"))?.message
        .contains("units, points") == true)
    #expect(
      failure(Self.valid.replacingOccurrences(of: "kind: extensive", with: "kind: count"))?.message
        .contains("extensive, intensive") == true)
  }

  @Test func theBundledOlindaManifestReads() throws {
    let manifest = try ManifestReader.read(
      Fixtures.root.appendingPathComponent("Data/sites/olinda").path)
    #expect(manifest.languages == ["fr", "en", "ar"])
    #expect(manifest.scales.count == 7)
    #expect(manifest.analyses.catchments?.radii == [400, 800, 1600])
    #expect(
      manifest.analyses.footprint
        == FootprintSpec(layer: "tracts", field: "TIPO", value: "URBANO", close: 50))
  }
}

@Suite("Scale statistics by hand")
struct ScaleStatisticsTests {
  @Test func giniMoranAndTopShareOfAShortLine() throws {
    // Four cells in a row valued 1, 2, 3, 4. Gini = Σ|xi − xj| / (2 n² x̄) = 20 / 80.
    // Moran's I with row-standardised chain neighbours: z = (−1.5, −0.5, 0.5, 1.5),
    // Σ w z z = 0.75 + 0.25 + 0.25 + 0.75 = 2, Σ z² = 5, n / S0 = 1, so I = 0.4.
    let statistics = ScaleStatistics(
      values: [1, 2, 3, 4], neighbours: [[1], [0, 2], [1, 3], [2]])
    #expect(statistics.count == 4)
    #expect(statistics.mean == 2.5)
    #expect(abs(statistics.std! - 1.25.squareRoot()) < 1e-12)
    #expect(abs(statistics.gini! - 0.25) < 1e-12)
    #expect(abs(statistics.moransI! - 0.4) < 1e-12)
    #expect(statistics.top10Share == 0.4)  // the top unit (4) of a total of 10
  }

  @Test func missingValuesAndIslands() throws {
    // The unit without a value is left out; its neighbours lose it.
    let statistics = ScaleStatistics(
      values: [1, nil, 3, 5, 7], neighbours: [[1], [0, 2], [1, 3], [2, 4], [3]])
    #expect(statistics.count == 4)
    #expect(statistics.mean == 4)
    // Chain 2-3-4 (indexes) with values 3, 5, 7; index 0 is an island.
    // z = (−3, −1, 1, 3), Σz² = 20; rows: i2: w=1 → (−1)(1) = −1; i3: w=½ → ½((1)(−1) + (1)(3)) = 1;
    // i4: w=1 → (3)(1) = 3; Σ = 3, S0 = 3, n = 4: I = 4/3 · 3/20 = 0.2.
    #expect(abs(statistics.moransI! - 0.2) < 1e-12)
  }

  @Test func equalValuesHaveNoInequality() {
    let statistics = ScaleStatistics(values: [2, 2, 2], neighbours: [[1], [0, 2], [1]])
    #expect(statistics.gini == 0)
    #expect(statistics.cv == 0)
    #expect(statistics.moransI == nil)  // no variance
  }
}

/// Dissolving units whose edges nearly meet left sliver holes that collapse at
/// 7 decimals in GeoJSON (the bundled site's neighbourhoods had three).
@Suite("Dissolve without slivers")
struct DissolveTests {
  @Test func sliverHolesAreClosedAndReported() throws {
    // A's right edge bends 1 µm inward between y = 4 and 6; B's left edge is
    // straight: the union has a hole 1 µm wide.
    let a = try Geometry(
      wkt: "POLYGON ((0 0, 10 0, 10 4, 9.999999 5, 10 6, 10 10, 0 10, 0 0))")
    let b = try Geometry(wkt: "POLYGON ((10 0, 20 0, 20 10, 10 10, 10 6, 10 4, 10 0))")
    // A real hole, 2 m wide, inside B.
    let c = try Geometry(
      wkt: "POLYGON ((20 0, 30 0, 30 10, 20 10, 20 0), (24 4, 26 4, 26 6, 24 6, 24 4))")
    let union = try Geometry.unionAll([a, b, c])
    #expect(union.polygonRings()[0].count == 3, "the plain union keeps the sliver")
    let layer = TargetLayer(
      name: "units", fields: [Field(name: "group", type: .string)],
      attributes: [[.string("x")], [.string("x")], [.string("x")]],
      geometries: [a.polygonalShape, b.polygonalShape, c.polygonalShape],
      sourceCRS: try CRS("EPSG:31985"))
    let dissolved = try layer.dissolved(by: "group")
    #expect(dissolved.geometries.count == 1)
    let shape = try #require(dissolved.geometries[0])
    let rings = shape.polygons
    #expect(rings.count == 1)
    #expect(rings[0].count == 2, "the sliver is closed, the 2 m hole kept")
    #expect(abs(try Geometry.polygonal(shape).area - (300 - 4)) < 1e-5)
    #expect(!shape.isMulti, "one piece is written as a Polygon")
    #expect(dissolved.notes.count == 1)
    #expect(dissolved.notes.first?.contains("1 sliver hole") == true)
    #expect(dissolved.attributes == [[.string("x"), .integer(3)]])
  }
}

@Suite("What site init proposes")
struct SiteProposalTests {
  @Test func theFinestGridHasAtMostAMillionCells() {
    // 390 km x 390 km: 200 m cells would be 3.8 million; 500 m, 608,400.
    let state = Envelope(minX: 0, minY: 0, maxX: 390_000, maxY: 390_000)
    #expect(SiteProposal.ladder(for: state) == [500, 1_000, 2_000, 5_000])
    // A town of 6 km x 7 km: 10 m cells are 420,000.
    let town = Envelope(minX: 0, minY: 0, maxX: 6_000, maxY: 7_000)
    #expect(SiteProposal.ladder(for: town) == [10, 20, 50, 100])
    // A country of 1,000 km x 1,000 km stops where cells get few.
    let country = Envelope(minX: 0, minY: 0, maxX: 1_000_000, maxY: 1_000_000)
    #expect(SiteProposal.ladder(for: country) == [1_000, 2_000, 5_000, 10_000])
    let island = Envelope(minX: 0, minY: 0, maxX: 3_000_000, maxY: 3_000_000)
    #expect(SiteProposal.ladder(for: island).allSatisfy { 9e12 / ($0 * $0) >= 20 })
  }

  @Test func identifiersAndCoordinatesAreNotVariables() {
    for name in [
      "ID", "CD_GEOCODI", "COUNTY_ID", "FIPS", "GEOID10", "X", "y", "Latitude", "Longitud",
      "AreaKey", "G_UTM_", "POLYID", "OBJECTID",
    ] {
      #expect(SiteProposal.guess(name: name, type: .integer) == .identifier, "\(name)")
    }
    #expect(SiteProposal.guess(name: "AREA", type: .real) == .measure)
    #expect(SiteProposal.guess(name: "TotPop90", type: .integer) == .count)
    #expect(SiteProposal.guess(name: "PctBach", type: .real) == .rate)
    #expect(SiteProposal.guess(name: "TIPO", type: .string) == .category)
    #expect(SiteProposal.guess(name: "SID74", type: .integer) == .count)
  }
}

@Suite("Indicator titles")
struct IndicatorTitleTests {
  /// A map title read "Altitude (m) (moyenne)": the statistic joins the unit's bracket.
  @Test func aStatisticJoinsTheUnitsBracket() {
    #expect(
      LoadedSite.title("Altitude (m)", phrase: "{} (moyenne)", language: "fr")
        == "Altitude (m, moyenne)")
    #expect(
      LoadedSite.title("Elevation", phrase: "{} (mean)", language: "en") == "Elevation (mean)")
    #expect(
      LoadedSite.title("الارتفاع (م)", phrase: "{} (المتوسط)", language: "ar")
        == "الارتفاع (م، المتوسط)")
    #expect(
      LoadedSite.title("Residents", phrase: "{} per km²", language: "en") == "Residents per km²")
  }
}
