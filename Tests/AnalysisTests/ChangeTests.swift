import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@testable import Analysis

/// A second date made from Olinda's real tracts by redrawing their boundaries,
/// with changes known in advance: pairs of neighbouring tracts are merged,
/// other tracts split in two along a line, and every tract's count changed by
/// a known amount. On targets in which both dates nest (the tracts with the
/// same merges), `change` must give back the changes put in, to 1e-9.
@Suite("Change between two dates")
struct ChangeTests {
  struct Redrawn {
    var folder: URL
    var before: String
    var after: String
    var nested: String
    /// The change put into each nested target, in its order.
    var changes: [Double]
    /// The earlier date's count in each nested target.
    var counts: [Double]
    var kinds: [String] = []
  }

  static let working = try! CRS("EPSG:31985")

  static func write(
    _ path: String, _ rows: [(value: Double, geometry: Geometry)], field: String
  ) throws {
    let writer = try VectorWriter(path: path, policy: .refuse)
    let layer = try writer.addLayer(
      name: "units", geometryType: .multiPolygon, crs: working,
      fields: [Field(name: field, type: .real)])
    for (index, row) in rows.enumerated() {
      try writer.write(
        Feature(id: Int64(index), attributes: [.real(row.value)], geometry: row.geometry),
        toLayer: layer)
    }
    try writer.commit()
  }

  static func redrawn() throws -> Redrawn {
    let folder = try Fixtures.scratch()
    let tracts = try TargetLayer.load(
      path: Fixtures.tracts, layer: nil, workingCRS: working,
      assumedCRS: try CRS("EPSG:4674"))
    let population = try #require(tracts.fields.firstIndex { $0.name == "V014" })
    // The real tracts overlap each other here and there (by up to a few m²),
    // and a count on an overlap rightly goes to both targets: each tract
    // gives up what the tracts before it already cover, so that the earlier
    // date is an exact partition and the nesting below is exact.
    var units: [(value: Double, geometry: Geometry)] = []
    for (shape, attributes) in zip(tracts.geometries, tracts.attributes) {
      guard let shape, let value = attributes[population].doubleValue else { continue }
      // On a 1 mm grid, where overlays are exact and shared edges stay shared.
      var geometry = try Geometry.polygonal(shape).snapped(toGrid: 0.001)
      let box = try #require(geometry.envelope)
      let earlier = try units.map(\.geometry).filter { other in
        guard let otherBox = other.envelope, otherBox.intersects(box) else { return false }
        return try other.intersects(geometry)
      }
      if !earlier.isEmpty {
        geometry = try geometry.difference(Geometry.unionAll(earlier), gridSize: 0.001)
          .polygonalPart()
      }
      guard !geometry.isEmpty else { continue }
      units.append((value, geometry))
    }
    // A known change per tract: +7 for every third, -3 for every fifth, else +1.
    let delta = units.indices.map { $0 % 3 == 0 ? 7.0 : $0 % 5 == 0 ? -3 : 1 }
    // Merge the first 40 tracts that find an unmerged neighbour; split every
    // seventh of the others in two halves of its bounding box.
    var partner = [Int?](repeating: nil, count: units.count)
    var merges = 0
    for i in units.indices where partner[i] == nil && merges < 40 {
      for j in units.indices where j > i && partner[j] == nil {
        guard try units[i].geometry.touches(units[j].geometry) else { continue }
        let shared = try units[i].geometry.intersection(with: units[j].geometry)
        guard shared.type != .point, shared.type != .multiPoint else { continue }
        partner[i] = j
        partner[j] = i
        merges += 1
        break
      }
    }
    var after: [(value: Double, geometry: Geometry)] = []
    var nested: [(value: Double, geometry: Geometry)] = []
    var changes: [Double] = []
    var kinds: [String] = []
    for i in units.indices {
      let (value, geometry) = units[i]
      if let j = partner[i] {
        guard j > i else { continue }
        let merged = try geometry.union(with: units[j].geometry)
        after.append((value + units[j].value + delta[i] + delta[j], merged))
        nested.append((value + units[j].value, merged))
        changes.append(delta[i] + delta[j])
        kinds.append("merge")
      } else if i % 7 == 0, let box = geometry.envelope {
        let middle = (box.minX + box.maxX) / 2
        let west = try geometry.clipped(
          to: Envelope(minX: box.minX - 1, minY: box.minY - 1, maxX: middle, maxY: box.maxY + 1))
        let east = try geometry.clipped(
          to: Envelope(minX: middle, minY: box.minY - 1, maxX: box.maxX + 1, maxY: box.maxY + 1))
        let total = value + delta[i]
        let share = west.area / (west.area + east.area)
        after.append((total * share, west))
        after.append((total * (1 - share), east))
        nested.append((value, geometry))
        changes.append(delta[i])
        kinds.append("split")
      } else {
        after.append((value + delta[i], geometry))
        nested.append((value, geometry))
        changes.append(delta[i])
        kinds.append("same")
      }
    }
    #expect(merges == 40)
    let paths = ["before", "after", "nested"].map {
      folder.appendingPathComponent("\($0).gpkg").path
    }
    try write(paths[0], units, field: "pop")
    try write(paths[1], after, field: "people")
    try write(paths[2], nested, field: "pop_nested")
    return Redrawn(
      folder: folder, before: paths[0], after: paths[1], nested: paths[2], changes: changes,
      counts: nested.map(\.value), kinds: kinds)
  }

  func job(_ redrawn: Redrawn, target: ChangeJob.Target, output: String) -> ChangeJob {
    var job = ChangeJob(
      before: SourceRequest(path: redrawn.before), after: SourceRequest(path: redrawn.after),
      workingCRS: Self.working, target: target, output: output)
    job.extensive = [ChangeJob.Pair(parsing: "pop:people")]
    return job
  }

  @Test func theKnownChangesComeBack() throws {
    let redrawn = try Self.redrawn()
    defer { try? FileManager.default.removeItem(at: redrawn.folder) }
    let output = redrawn.folder.appendingPathComponent("change.gpkg").path
    let summary = try job(redrawn, target: .layer(path: redrawn.nested, layer: nil), output: output)
      .run()
    #expect(summary.written == redrawn.changes.count)
    // Every count of both dates is kept.
    for balance in summary.balancesBefore + summary.balancesAfter {
      #expect(balance.isBalanced, "\(balance)")
    }
    let layer = try LayerSource(path: output).open()
    let names = layer.fields.map(\.name)
    let (before, change, percent) = (
      try #require(names.firstIndex(of: "pop_before")),
      try #require(names.firstIndex(of: "pop_change")),
      try #require(names.firstIndex(of: "pop_change_pct"))
    )
    var index = 0
    try layer.forEachFeature { feature in
      let got = feature.attributes[change].doubleValue ?? .nan
      let expected = redrawn.changes[index]
      #expect(
        abs(got - expected) <= 1e-9 * max(1, redrawn.counts[index]),
        "target \(index) kind \(redrawn.kinds[index])")
      // Where a snapped tract meets one cut from its neighbour, slivers under a
      // millimetre wide remain, and a few millionths of a resident cross them
      // (both dates alike, so the change above is still exact to 1e-9).
      #expect(
        abs((feature.attributes[before].doubleValue ?? .nan) - redrawn.counts[index])
          <= 1e-8 * max(1, redrawn.counts[index]))
      if redrawn.counts[index] == 0 {
        #expect(feature.attributes[percent].isNull)
      }
      index += 1
    }
    #expect(index == redrawn.changes.count)
  }

  /// On the earlier date's own units and on a grid, the totals of both dates
  /// are kept and the change of the whole territory is the sum of the changes.
  @Test(arguments: ["onto", "grid"])
  func totalsAreKeptOnOwnUnitsAndGrids(target kind: String) throws {
    let redrawn = try Self.redrawn()
    defer { try? FileManager.default.removeItem(at: redrawn.folder) }
    let output = redrawn.folder.appendingPathComponent("change-\(kind).gpkg").path
    let target: ChangeJob.Target =
      kind == "onto" ? .onto(.before) : .grid(.square(SquareGrid(cellSize: 250)))
    let summary = try job(redrawn, target: target, output: output).run()
    let layer = try LayerSource(path: output).open()
    let change = try #require(layer.fields.firstIndex { $0.name == "pop_change" })
    var total = 0.0
    try layer.forEachFeature { total += $0.attributes[change].doubleValue ?? 0 }
    let expected = redrawn.changes.reduce(0, +)
    #expect(summary.coveredByOneDate == 0)
    #expect(abs(total - expected) <= 1e-9 * redrawn.counts.reduce(0, +), "\(total) vs \(expected)")
    let after = try #require(summary.balancesAfter.first)
    #expect(after.isBalanced && abs(after.outside) < 1e-6, "\(after)")
  }

  @Test func aPairParsesItsTwoNames() {
    let pair = ChangeJob.Pair(parsing: "POP10 : POP22")
    #expect(pair.name == "POP10" && pair.before == "POP10" && pair.after == "POP22")
    #expect(ChangeJob.Pair(parsing: "V014") == ChangeJob.Pair(parsing: "V014:V014"))
  }
}
