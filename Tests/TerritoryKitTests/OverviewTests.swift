import Foundation
import TerritoryKit
import Testing

/// The code of the DocC overview (TerritoryKit.docc/TerritoryKit.md), run as written.
@Suite("The overview article's code")
struct OverviewTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  @Test func olindaAcrossScales() throws {
    let manifest = try ManifestReader.read(
      Self.root.appendingPathComponent("Data/sites/olinda").path)
    let site = try LoadedSite(manifest)
    var gini: [String: Double] = [:]
    for scale in manifest.scales {
      let table = try site.table(for: scale)
      let density = table.indicators.first { $0.name == "V014_density" }!
      let statistics = ScaleStatistics(values: density.values, neighbours: table.neighbours)
      #expect(table.balances[0].isBalanced)
      gini[scale.name] = statistics.gini ?? 0
      if scale.name == "grid100" {
        #expect(table.rows.count == 4_408)
        #expect(abs((statistics.moransI ?? 0) - 0.83) < 0.005)
      }
    }
    #expect(abs(gini["grid100"]! - 0.40) < 0.005)
    #expect(abs(gini["neighbourhoods"]! - 0.22) < 0.005)
  }

  @Test func thePiecesOneByOne() throws {
    let tracts = try VectorDataset(
      path: Self.root.appendingPathComponent("Data/sites/olinda/olinda_tracts.gpkg").path
    ).layer(at: 0)
    var request = SourceRequest(path: tracts.path)
    request.sourceCRS = try CRS("EPSG:4674")
    request.extensive = ["V014"]
    let (units, _) = try SourceLoader.load(request, workingCRS: try CRS("EPSG:31985"))
    let result = try ArealInterpolation.interpolate(
      units, onto: .squareGrid(SquareGrid(cellSize: 200)),
      extensiveNames: ["V014"], intensiveNames: [], categoricalNames: [])
    #expect(result.targets.count == 1_161)
    #expect(result.balances[0].totalIn == 377_779 && result.balances[0].isBalanced)
  }
}
