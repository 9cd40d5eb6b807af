import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// A site's street network and the catchment points placed on it, with the
/// travel times from those points over a fine square grid: what
/// `analyses.catchments` with `network:` needs.
///
/// The minutes to the nearest point are computed once, at the centre of every
/// cell of a square grid as fine as the finest grid scale (100 m when the
/// ladder has no grid), then carried to every scale: a target's value is the
/// mean of its cells' minutes weighted by the site's first count (residents)
/// in each cell's part of the target, or, where the target holds none of it,
/// weighted by area. On the finest square grid each cell keeps its own time.
/// A cell's centre is placed on the nearest street of a piece of the network
/// that a point reaches; cells farther than the snapping distance from those
/// streets have no time and count in no mean.
struct SiteNetwork {
  /// The network, in the working CRS.
  let streets: StreetNetwork
  /// The catchment points placed on it (none is farther than `maxSnap`).
  let sources: [TravelTimes.Source?]
  /// The reached cells of the fine grid as interpolation sources: extensive
  /// `[weight · minutes, weight]`, intensive `[minutes]`.
  let cells: [SourceUnit]
  /// The fine grid's cell size (metres).
  let cell: Double
  /// Cells of the fine grid over the units, and those with a time.
  let cellCount: Int
  /// The name of the weight (the first count of the units), if the site has one.
  let weight: String?
  /// What the analysis report should say about the network: catchment points
  /// on a piece cut off from its largest piece.
  let notes: [String]

  /// How far (metres) a point or a cell centre may lie from the network.
  static let maxSnap = 500.0

  /// Builds the network of `spec` and the times over the fine grid.
  /// - Throws: `SiteError` naming the layer (unreadable file, no ways for the
  ///   profile, points off the network), `AnalysisError`, `GEOSError`.
  init(
    manifest: SiteManifest, network spec: LayerSpec, points: [SIMD2<Double>], pointsKey: String,
    units: [SourceUnit], weight: (index: Int, name: String)?, crs: CRS, threads: Int
  ) throws {
    let path = LoadedSite.path(of: spec, in: manifest)
    let streets = try LoadedSite.naming(spec, manifest) {
      try NetworkBuilder.build(
        osm: path, profile: spec.profile ?? .walk, crs: crs, speed: spec.speed
      ).0
    }
    guard !points.isEmpty else {
      throw SiteError(
        path: path,
        message: "layer '\(pointsKey)' has no points to compute catchments from; check the layer")
    }
    let snapper = NetworkSnapper(streets)
    let (sources, off) = TravelTimes.place(
      points, on: streets, snapper: snapper, maxSnap: Self.maxSnap)
    guard off.isEmpty else {
      let listed = off.prefix(10).map { String($0 + 1) }.joined(separator: ", ")
      throw SiteError(
        path: path,
        message:
          "layer '\(pointsKey)': \(off.count) point\(off.count == 1 ? " lies" : "s lie") farther than \(Int(Self.maxSnap)) m from the network '\(spec.key)' (points \(listed)\(off.count > 10 ? ", ..." : "")); move them onto the streets or use an extract that covers them"
      )
    }
    let cell = Self.cellSize(manifest)
    let grid = SquareGrid(cellSize: cell)
    let weighted = try ArealInterpolation.interpolate(
      units.map { unit in
        var unit = unit
        unit.extensive = weight.map { [unit.extensive[$0.index]] } ?? []
        unit.intensive = []
        unit.categories = []
        return unit
      }, onto: .squareGrid(grid), extensiveNames: weight.map { [$0.name] } ?? [],
      intensiveNames: [], categoricalNames: [], threads: threads)
    var centres: [SIMD2<Double>] = []
    var envelopes: [Envelope] = []
    for target in weighted.targets {
      let box = grid.envelope(column: target.key.column, row: target.key.row)
      envelopes.append(box)
      centres.append(SIMD2((box.minX + box.maxX) / 2, (box.minY + box.maxY) / 2))
    }
    // A cell centre goes to the nearest street of a piece of the network that
    // the points reach: a courtyard path cut off from the streets would
    // otherwise leave the cells around it without a time.
    let (pieces, sizes) = streets.pieces()
    let cutOff = sources.indices.filter { index in
      sources[index].map { pieces[streets.edges[$0.position.edge].from] != 0 } ?? false
    }
    notes =
      cutOff.isEmpty
      ? []
      : [
        "\(pointsKey): \(cutOff.count) point\(cutOff.count == 1 ? " lies" : "s lie") on a piece of the network '\(spec.key)' cut off from its largest piece (\(sizes[0]) of its nodes; \(sizes.count) pieces in all): points \(cutOff.prefix(10).map { String($0 + 1) }.joined(separator: ", ")); their catchments stop at the piece's edge"
      ]
    let reached = Set(
      sources.compactMap { $0.map { pieces[streets.edges[$0.position.edge].from] } })
    let reachable = NetworkSnapper(streets) { reached.contains(pieces[streets.edges[$0].from]) }
    let times = TravelTimes.compute(
      from: sources, to: centres, network: streets, snapper: reachable, maxSnap: Self.maxSnap)
    var cells: [SourceUnit] = []
    for (index, target) in weighted.targets.enumerated() {
      guard let seconds = times.seconds[index] else { continue }
      let minutes = seconds / 60
      let w = weight == nil ? 0 : target.extensive[0]
      let box = envelopes[index]
      let ring = [
        SIMD2(box.minX, box.minY), SIMD2(box.maxX, box.minY), SIMD2(box.maxX, box.maxY),
        SIMD2(box.minX, box.maxY), SIMD2(box.minX, box.minY),
      ]
      cells.append(
        SourceUnit(
          id: Int64(index + 1), polygons: [PolygonRings(rings: [ring])],
          shape: PolygonalShape(polygons: [[ring]], isMulti: false), extensive: [w * minutes, w],
          intensive: [minutes], categories: []))
    }
    self.streets = streets
    self.sources = sources
    self.cells = cells
    self.cell = cell
    cellCount = weighted.targets.count
    self.weight = weight?.name
  }

  /// The fine grid's cell: the finest grid scale's, else 100 m.
  static func cellSize(_ manifest: SiteManifest) -> Double {
    let cells = manifest.scales.compactMap { scale -> Double? in
      if case .grid(_, let cell) = scale.kind { return cell }
      return nil
    }
    return cells.min() ?? 100
  }

  /// The mean minutes to the nearest point of each of `keys`, the targets of
  /// a scale (`nil` where no cell under a target has a time).
  func minutes(onto targets: InterpolationTargets, keys: [TargetKey], threads: Int) throws
    -> [Double?]
  {
    guard !cells.isEmpty else { return Array(repeating: nil, count: keys.count) }
    let result = try ArealInterpolation.interpolate(
      cells, onto: targets, extensiveNames: ["weighted", "weight"], intensiveNames: ["minutes"],
      categoricalNames: [], threads: threads)
    var byKey: [TargetKey: Double] = [:]
    for target in result.targets {
      let weight = target.extensive[1]
      if self.weight != nil, weight > 0 {
        byKey[target.key] = target.extensive[0] / weight
      } else if let mean = target.intensive[0] {
        byKey[target.key] = mean
      }
    }
    return keys.map { byKey[$0] }
  }
}
