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

  @Test func theToolsFromSwift() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "territorykit-tools-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var request = SourceRequest(
      path: Self.root.appendingPathComponent("Data/sites/olinda/olinda_tracts.gpkg").path)
    request.sourceCRS = try CRS("EPSG:4674")
    request.extensive = ["V014"]
    let working = try CRS("EPSG:31985")
    let output = folder.appendingPathComponent("olinda_200m.csv").path
    let job = InterpolationJob(
      source: request, workingCRS: working,
      target: .grid(.square(SquareGrid(cellSize: 200))), output: output)
    let summary = try Tools.interpolate(job)
    #expect(summary.written == 1_161)
    #expect(summary.result.balances[0].totalIn == 377_779 && summary.result.balances[0].isBalanced)
    #expect(FileManager.default.fileExists(atPath: output))
    // The same job again is refused: its outputs exist and may not be replaced.
    let refused = #expect(throws: OutputError.self) { try Tools.interpolate(job) }
    guard case .exists(let path)? = refused else {
      Issue.record("expected OutputError.exists, got \(String(describing: refused))")
      return
    }
    #expect(path.hasPrefix(output))

    var options = AnalyzeOptions()
    options.output = folder.appendingPathComponent("olinda").path
    options.web = false  // the web map has a test of its own (WebMapTests)
    var lines: [String] = []
    options.progress = { lines.append($0) }
    let (analysis, reads) = try LayerReads.counting {
      try Tools.analyze(
        site: Self.root.appendingPathComponent("Data/sites/olinda").path, options: options)
    }
    // Each vector layer of the site (the tracts, the stations) is read once.
    #expect(reads.count == 2, "\(reads)")
    #expect(reads.values.allSatisfy { $0 == 1 }, "\(reads)")
    #expect(analysis.files.contains("analysis.gpkg") && analysis.files.contains("report.md"))
    #expect(analysis.files.contains { $0.hasPrefix("maps/") })
    #expect(analysis.report.scales.allSatisfy { $0.balances.allSatisfy(\.isBalanced) })
    #expect(lines.first?.hasPrefix("checking") == true)
  }

  @Test func thePiecesOneByOne() throws {
    let tracts = try LayerSource(
      path: Self.root.appendingPathComponent("Data/sites/olinda/olinda_tracts.gpkg").path
    ).open()
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
