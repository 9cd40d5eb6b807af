import Foundation
import TestFixtures
import Testing

@testable import Analysis

/// The statistics of a square grid's shifted placements come from a table made
/// without identifiers and category shares (`LoadedSite.placementStatistics`);
/// they must be those of the whole table of the same placement.
@Suite("Statistics of shifted placements")
struct PlacementStatisticsTests {
  @Test func asFromTheWholeTable() throws {
    let manifest = try ManifestReader.read(
      Fixtures.root.appendingPathComponent("Data/sites/olinda").path)
    let site = try LoadedSite(manifest)
    let scale = try #require(manifest.scales.first { $0.name == "grid200" })
    for shift in [SIMD2(100.0, 0), SIMD2(100.0, 100)] {
      let whole = try site.table(for: scale, shift: shift)
      // The sample site's tract type is categorical: its shares are left out.
      #expect(whole.fields.contains { $0.name.hasPrefix("TIPO_") })
      #expect(whole.fields.contains { $0.name == "col" })
      let expected = whole.indicators.map {
        ScaleStatistics(values: $0.values, neighbours: whole.neighbours)
      }
      #expect(expected.count >= 3)
      #expect(expected.allSatisfy { $0.count > 0 })
      #expect(try site.placementStatistics(for: scale, shift: shift) == expected)
    }
  }
}
