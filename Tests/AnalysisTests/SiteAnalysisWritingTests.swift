import Foundation
import TestFixtures
import Testing

@testable import Analysis

/// `SiteAnalysis.analyse` hands each table to its writer as soon as it is made,
/// and keeps only a `WrittenScale` of it: a ladder of fine grids holds one
/// whole table at a time.
@Suite("Site analysis: each table written as it is made")
struct SiteAnalysisWritingTests {
  /// Olinda with three of its scales (two squares, the tracts) and its
  /// catchments and footprint.
  private func site() throws -> LoadedSite {
    var manifest = try ManifestReader.read(
      Fixtures.root.appendingPathComponent("Data/sites/olinda").path)
    manifest.scales = manifest.scales.filter { ["grid200", "grid500", "tracts"].contains($0.name) }
    return try LoadedSite(manifest)
  }

  private final class Events {
    var lines: [String] = []
    var tables: [String: ScaleTable] = [:]
  }

  @Test func writtenBeforeTheNextScaleIsMade() throws {
    let site = try site()
    let check = SiteCheck.read(site.manifest).report
    let events = Events()
    let results = try SiteAnalysis.analyse(
      site, check: check, keeping: ["V014"], progress: { events.lines.append($0) },
      write: { table, role in
        events.lines.append("write \(table.name) \(role)")
        events.tables[table.name] = table
      })
    let written = events.lines.filter { $0.hasPrefix("write ") }
    #expect(
      written == [
        "write grid200 scale", "write grid500 scale", "write tracts scale",
        "write catchments extra", "write footprint extra",
      ])
    // Each scale is written before the next one is announced (made).
    for (position, name) in ["grid200", "grid500"].enumerated() {
      let write = try #require(events.lines.firstIndex(of: "write \(name) scale"))
      let next = try #require(events.lines.firstIndex { $0.hasPrefix("[\(position + 2)/3]") })
      #expect(write < next, "\(events.lines)")
    }
    // The writer gets the whole table, the same as the scale's table made alone.
    let alone = try site.table(for: try #require(site.manifest.scales.first))
    let handed = try #require(events.tables["grid200"])
    #expect(handed.fields.map(\.name) == alone.fields.map(\.name))
    #expect(handed.columns.map(\.doubleValues) == alone.columns.map(\.doubleValues))
    #expect(handed.fields.contains { $0.name == "col" })
    #expect(handed.fields.contains { $0.name.hasPrefix("TIPO_") })
    // What is kept: the indicators, the geometries and the asked-for column only.
    #expect(results.scales.map(\.name) == ["grid200", "grid500", "tracts"])
    for scale in results.scales {
      let table = try #require(events.tables[scale.name])
      #expect(scale.indicators.map(\.name) == table.indicators.map(\.name))
      #expect(scale.indicators.map(\.values) == table.indicators.map(\.values))
      #expect(scale.geometries.count == table.count)
      let v014 = try #require(table.fields.firstIndex { $0.name == "V014" })
      #expect(Array(scale.columns.keys) == ["V014"])
      #expect(scale.columns["V014"] == table.columns[v014].doubleValues)
    }
    #expect(results.report.scales.map(\.name) == ["grid200", "grid500", "tracts"])
  }

  private struct Refused: Error {}

  @Test func aFailedWriteStopsTheAnalysis() throws {
    let site = try site()
    let check = SiteCheck.read(site.manifest).report
    var handed: [String] = []
    #expect(throws: Refused.self) {
      _ = try SiteAnalysis.analyse(site, check: check) { table, _ in
        handed.append(table.name)
        if table.name == "grid500" { throw Refused() }
      }
    }
    #expect(handed == ["grid200", "grid500"])
  }
}
