import Foundation
import GEOSKit
import GeoCore
import TestFixtures
import Testing

@testable import Analysis

/// Travel times and catchments along the streets of the bundled Helsinki site
/// (OpenStreetMap), from its three railway and metro stations: invariants that
/// hold whatever the network looks like.
@Suite("Site catchments along real streets")
struct SiteNetworkTests {
  /// The Helsinki site copied into `folder`, with only its `station` points, loaded.
  static func site(in folder: URL) throws -> LoadedSite {
    try Fixtures.helsinkiWithThreeStations(in: folder)
    let manifest = try ManifestReader.read(folder.appendingPathComponent("site.yaml").path)
    return try LoadedSite(manifest)
  }

  @Test func pointsOnACutOffPieceAreFlagged() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let site = try Self.site(in: folder)
    #expect(site.notes.isEmpty, "the three stations stand on the main piece: \(site.notes)")
    let streets = try #require(site.network).streets
    let pieces = streets.pieces().ofNode
    // A fourth point on a ground-level way of a small piece.
    let edge = try #require(streets.edges.first { $0.atGround && pieces[$0.from] != 0 })
    let points = try #require(site.placedPoints["stations"]) + [edge.points[0]]
    let network = try SiteNetwork(
      manifest: site.manifest, network: try #require(site.manifest.layer("streets")),
      points: points, pointsKey: "stations", units: site.units, weight: (0, "built_m2"),
      crs: site.crs, threads: 1)
    #expect(network.notes.count == 1)
    #expect(network.notes.first?.contains("1 point lies on a piece") == true)
    #expect(network.notes.first?.contains("points 4;") == true, "\(network.notes)")
  }

  @Test func timesAndAreasKeepTheirInvariants() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let site = try Self.site(in: folder)
    let stations = try #require(site.placedPoints["stations"])
    #expect(stations.count == 3)
    let network = try #require(site.network)
    let speed = network.streets.accessSpeed / 3.6
    // No time below the straight line at the walking speed (every street is
    // walked at the speed of the walks to and from it).
    let scale = try #require(site.manifest.scales.first { $0.name == "grid50" })
    let table = try site.table(for: scale)
    let minutes = try #require(table.indicators.first { $0.name == "stations_minutes" })
    #expect(minutes.values.allSatisfy { $0 != nil }, "every cell over the buildings has a time")
    for (index, row) in table.rows.enumerated() {
      guard case .integer(let column) = row[0], case .integer(let line) = row[1] else {
        Issue.record("grid50 rows start with col and row")
        return
      }
      let centre = SIMD2(Double(column) * 50 + 25, Double(line) * 50 + 25)
      let straight = stations.map { (($0 - centre) * ($0 - centre)).sum().squareRoot() }.min()!
      #expect(minutes.values[index]! * 60 >= straight / speed - 1e-9)
    }
    // Areas nested across times, and no more built area reached than in the
    // circle any walk of that time could cover (its radius: the distance
    // walked plus the buffer, widened for the circle's 64-sided polygon).
    let spec = try #require(site.manifest.analyses.catchments)
    let areas = try #require(try site.catchments(spec))
    #expect(areas.fields.map(\.name).prefix(3) == ["point", "minutes", "network_m"])
    #expect(areas.rows.count == 3 * spec.minutes.count)
    let radii = spec.minutes.map { ($0 * 60 * speed + spec.buffer) / cos(Double.pi / 64) + 1 }
    var circleSpec = spec
    circleSpec.network = nil
    circleSpec.radii = radii
    let circles = try #require(try site.catchments(circleSpec))
    let shapes = try areas.geometries.shapes()
    let builtColumn = try #require(areas.fields.firstIndex { $0.name == "built_m2" })
    let circleColumn = try #require(circles.fields.firstIndex { $0.name == "built_m2" })
    func value(_ row: [FieldValue], _ column: Int) -> Double { row[column].doubleValue ?? .nan }
    for point in 1...3 {
      let own = areas.rows.indices.filter { value(areas.rows[$0], 0) == Double(point) }
        .sorted { value(areas.rows[$0], 1) < value(areas.rows[$1], 1) }
      #expect(own.map { value(areas.rows[$0], 1) } == spec.minutes.sorted())
      for (inner, outer) in zip(own, own.dropFirst()) {
        let small = try Geometry.polygonal(try #require(shapes[inner]))
        let large = try Geometry.polygonal(try #require(shapes[outer]))
        #expect(try small.difference(large).area < 0.01, "point \(point): nested areas")
        #expect(value(areas.rows[inner], 2) <= value(areas.rows[outer], 2))
      }
      for (position, index) in own.enumerated() {
        let circle = circles.rows.firstIndex {
          value($0, 0) == Double(point) && value($0, 1) == radii.sorted()[position]
        }!
        let reached = value(areas.rows[index], builtColumn)
        let inCircle = value(circles.rows[circle], circleColumn)
        #expect(reached <= inCircle * (1 + 1e-12), "point \(point): \(reached) ≤ \(inCircle)")
        #expect(reached > 0)
      }
    }
  }
}
