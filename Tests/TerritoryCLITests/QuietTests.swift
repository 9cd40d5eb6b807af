import Foundation
import TestFixtures
import Testing

/// `--quiet`: the commands that report what they wrote print nothing, and still
/// write the same output; without it they print their report.
@Suite("Quiet commands")
struct QuietTests {
  @Test("grid, convert, interpolate, zonal, tiles and map print nothing with --quiet")
  func quietCommandsPrintNothing() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let tracts = Territory.tracts
    let commands: [(name: String, arguments: [String])] = [
      (
        "grid.gpkg",
        [
          "grid", "--extent-of", tracts, "--crs", "EPSG:31985", "--cell", "500", "-o", "{out}",
        ]
      ),
      ("tracts.fgb", ["convert", tracts, "{out}"]),
      (
        "cells.csv",
        [
          "interpolate", tracts, "--to-crs", "EPSG:31985", "--grid", "500", "--extensive",
          "V014", "-o", "{out}",
        ]
      ),
      ("zonal.csv", ["zonal", Territory.dem, tracts, "-o", "{out}"]),
      ("tracts.pmtiles", ["tiles", tracts, "-o", "{out}", "-z", "12"]),
      ("map.png", ["map", tracts, "--column", "V014", "-o", "{out}"]),
    ]
    for (name, arguments) in commands {
      let loud = folder.appendingPathComponent("loud-" + name).path
      let quiet = folder.appendingPathComponent("quiet-" + name).path
      let spoken = try Territory.runArray(arguments.map { $0 == "{out}" ? loud : $0 })
      #expect(spoken.status == 0, "\(arguments[0]): \(spoken.error)")
      #expect(!spoken.output.isEmpty, "\(arguments[0]) reports what it wrote")
      let silent = try Territory.runArray(
        arguments.map { $0 == "{out}" ? quiet : $0 } + ["--quiet"])
      #expect(silent.status == 0, "\(arguments[0]) --quiet: \(silent.error)")
      #expect(silent.output.isEmpty, "\(arguments[0]) --quiet: \(silent.output)")
      #expect(silent.error.isEmpty, "\(arguments[0]) --quiet: \(silent.error)")
      #expect(
        FileManager.default.fileExists(atPath: quiet), "\(arguments[0]) --quiet wrote \(name)")
    }
  }
}
