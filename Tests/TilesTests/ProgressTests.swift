import Foundation
import GDALKit
import GeoCore
import TestFixtures
import Testing

@testable import Tiles

@Suite("Progress of tiles and conversions")
struct ProgressTests {
  /// Records the steps it is shown and what each had done when it ended.
  final class RecordingDisplay: ProgressDisplay, @unchecked Sendable {
    // Read and written under `lock`.
    private let lock = NSLock()
    private(set) var begun: [StepProgress] = []
    private(set) var ended: [(step: String, done: Int, total: Int)] = []
    func begin(_ progress: StepProgress) { lock.withLock { begun.append(progress) } }
    func end(_ progress: StepProgress) {
      lock.withLock { ended.append((progress.step, progress.completed, progress.total)) }
    }
  }

  /// 64 squares of 0.01 unit-square units on an 8 × 8 lattice, spread over the world.
  func lattice() -> TileLayer {
    var features: [TileFeature] = []
    for i in 0..<8 {
      for j in 0..<8 {
        let corner = SIMD2(0.05 + 0.12 * Double(i), 0.05 + 0.12 * Double(j))
        let ring: [SIMD2<Double>] = [
          corner, corner + SIMD2(0.01, 0), corner + SIMD2(0.01, 0.01), corner + SIMD2(0, 0.01),
          corner,
        ]
        features.append(
          TileFeature(
            id: Int64(features.count), geometry: .polygons([[ring]]),
            attributes: [.integer(Int64(i * j))]))
      }
    }
    return TileLayer(
      name: "squares", fields: [Field(name: "n", type: .integer64)], features: features)
  }

  @Test("tiles: one step per zoom, in tiles, each counted once", arguments: [1, 2])
  func tiles(threads: Int) throws {
    var options = VectorTileOptions()
    options.minZoom = 0
    options.maxZoom = 4
    options.threads = threads
    let display = RecordingDisplay()
    options.progress = display
    let sink = MemorySink()
    let reports = try VectorTiler(layers: [lattice()], options: options, accumulated: [[]])
      .run(into: sink) { _ in }
    #expect(display.ended.map(\.step) == (0...4).map { "tiling zoom \($0)" })
    #expect(display.begun.allSatisfy { $0.unit == "tiles" })
    for step in display.ended { #expect(step.done == step.total, "\(step.step)") }
    // Every square is drawn in a tile of its own from zoom 3 on: every tile
    // counted was written, and no written tile was left out of the count.
    let written = reports.reduce(0) { $0 + $1.tiles }
    #expect(display.ended.reduce(0) { $0 + $1.total } == written)
    #expect(written == sink.tiles.count)
  }

  @Test("GeoJSON export: one step of every feature of the layer")
  func geoJSON() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let display = RecordingDisplay()
    let report = try GeoJSONExport.run(
      input: Fixtures.tracts, output: folder.appendingPathComponent("tracts.geojson").path,
      layer: nil, sourceCRS: nil, makeValid: false, decimals: 7, boundingBoxes: false,
      policy: .refuse, threads: 2, progress: display)
    #expect(report.layers[0].read == 470)
    #expect(display.ended.count == 1)
    #expect(display.ended.first?.total == 470)
    #expect(display.ended.first?.done == 470)
    #expect(display.begun.first?.unit == "features")
  }

  @Test("conversion by GDAL: one step per layer, every feature counted", arguments: [1, 2])
  func conversion(threads: Int) throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let display = RecordingDisplay()
    var options = ConversionOptions()
    options.threads = threads
    options.progress = display
    _ = try convertVector(
      input: Fixtures.tracts, output: folder.appendingPathComponent("tracts.fgb").path,
      options: options)
    #expect(display.ended.map(\.step) == ["copying olinda_tracts"])
    #expect(display.ended.first?.total == 470)
    #expect(display.ended.first?.done == 470)
  }
}
