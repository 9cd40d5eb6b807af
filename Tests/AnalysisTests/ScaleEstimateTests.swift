import Foundation
import TestFixtures
import Testing

@testable import Analysis

/// `site check` warns when a ladder of grids needs more memory than the machine
/// has. `analyze` makes and writes one scale at a time and then keeps only its
/// indicators and cells for the maps, so the estimate is the largest scale's
/// whole cost plus a small cost per cell of every other scale, not the sum.
@Suite("site check: the memory of a ladder of grids")
struct ScaleEstimateTests {
  /// Olinda with four scales of 100 m squares over `cells` squares' area.
  private func check(cells: Double, memory: Double) throws -> [(String, String, String)] {
    var manifest = try ManifestReader.read(
      Fixtures.root.appendingPathComponent("Data/sites/olinda").path)
    manifest.scales = (1...4).map {
      ScaleSpec(name: "grid\($0)", kind: .grid(hexagonal: false, cell: 100), labels: [:])
    }
    var problems: [(String, String, String)] = []
    let estimates = SiteCheck.estimates(manifest, unitsArea: cells * 100 * 100, memory: memory) {
      problems.append(($0, $1, $2))
    }
    #expect(estimates.map(\.cells) == Array(repeating: cells, count: 4))
    #expect(estimates.allSatisfy { $0.bytes == cells * SiteCheck.bytesPerCell })
    return problems
  }

  @Test func theLargestScaleWholeAndTheOthersKept() throws {
    let memory = 4e9
    // 150 MB + 5.08 M cells × (320 + 3 × 64) bytes = 2.75 GB, under 80% of
    // 4 GB; the four tables held at once (6.65 GB) would not be.
    let fits = (0.8 * memory - SiteCheck.baseBytes) / 600
    #expect(try check(cells: fits.rounded(), memory: memory).isEmpty)
    // 150 MB + 7.1 M cells × 512 bytes = 3.79 GB: over 3.2 GB.
    let over = try check(cells: (0.8 * memory / 450).rounded(), memory: memory)
    #expect(over.count == 1)
    #expect(over.first?.0 == "warning")
    #expect(over.first?.2.contains("the grid scales need about 3.") == true, "\(over)")
    #expect(over.first?.2.contains("drop the finest scale or choose larger cells") == true)
  }
}
