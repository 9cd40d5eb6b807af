import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// `territory reach`: from points over a stored street network, either the
/// travel time of every cell of a grid to the nearest point, or each point's
/// service areas within some minutes.
public struct ReachJob {
  /// What is computed.
  public enum Mode: Sendable {
    /// Every cell of a square grid of this size (metres) over the network
    /// gets its minutes to the nearest point.
    case grid(Double)
    /// Each point gets its areas within these minutes.
    case minutes([Double])
    /// Every feature of this file (a layer of zones, cells or places) gets its
    /// minutes to the nearest point, from its point on surface.
    case target(String, layer: String?)
  }

  /// The points file.
  public var points: String
  /// The points' layer (default: the first).
  public var layer: String?
  /// The CRS the points are in, when the file does not say.
  public var sourceCRS: CRS?
  /// The network file (`territory network`).
  public var network: String
  /// The output GeoPackage.
  public var output: String
  /// What is computed.
  public var mode: Mode
  /// Whether an existing output may be replaced.
  public var policy = ExistingOutputPolicy.refuse
  /// How far (metres) a point or a cell centre may be from the network.
  public var maxSnap = 500.0
  /// Cells farther than this (minutes) get no value.
  public var maxMinutes: Double?
  /// The buffer (metres) around reached edges for service areas.
  public var buffer = 50.0
  /// Service areas split among the points by which is nearest in time.
  public var nearest = false
  /// Units whose counts (`extensive`) each service area gets, by areal
  /// interpolation: the areas overlap, so each unit's count is split by the
  /// share of its own area inside the area (the overlapping-targets rule).
  public var units: SourceRequest?
  /// Worker threads for the service areas (default: every core); the areas do
  /// not depend on it.
  public var threads = ParallelChunks.defaultThreads

  /// A job with the defaults: 500 m snapping, 50 m buffer, one area per point.
  public init(points: String, network: String, output: String, mode: Mode) {
    self.points = points
    self.network = network
    self.output = output
    self.mode = mode
  }

  /// What the job did.
  public struct Summary: Sendable {
    /// Points read.
    public var points = 0
    /// Cells or areas written.
    public var written = 0
    /// Cells with a time.
    public var reached = 0
    /// Cells farther than the snapping distance from the network.
    public var offNetwork = 0
    /// The network's pieces, in nodes, largest first.
    public var pieceSizes: [Int] = []
    /// Point ids on a piece other than the largest.
    public var pointsOnSmallPieces: [String] = []
    /// With `units`: each count's total, and how much of it the areas hold.
    public var balances: [MassBalance] = []
  }

  /// Runs the job.
  /// - Throws: `NetworkError` (not a network, no points, points off the
  ///   network, bad minutes), `GDALError`, `PROJError`, `OutputError`.
  public func run() throws -> Summary {
    let (streets, crs) = try NetworkFile.read(network)
    let (ids, positions) = try readPoints(into: crs)
    var summary = Summary()
    summary.points = ids.count
    let snapper = NetworkSnapper(streets)
    let (sources, off) = TravelTimes.place(
      positions, on: streets, snapper: snapper, maxSnap: maxSnap)
    guard off.isEmpty else {
      throw NetworkError.pointsOffNetwork(path: points, ids: off.map { ids[$0] }, maxSnap: maxSnap)
    }
    let pieces = streets.pieces()
    summary.pieceSizes = pieces.sizes
    for (index, source) in sources.enumerated() {
      guard let source, pieces.ofNode[streets.edges[source.position.edge].from] != 0 else {
        continue
      }
      summary.pointsOnSmallPieces.append(ids[index])
    }
    let writer = try VectorWriter(path: output, policy: policy)
    let placed = (sources: sources, snapper: snapper)
    do {
      switch mode {
      case .grid(let cell):
        try writeGrid(
          cell: cell, streets: streets, crs: crs, ids: ids, placed: placed,
          writer: writer, summary: &summary)
      case .target(let path, let layer):
        try writeTargets(
          path, layer: layer, streets: streets, crs: crs, ids: ids, placed: placed,
          writer: writer, summary: &summary)
      case .minutes(let minutes):
        try writeAreas(
          minutes: minutes, streets: streets, crs: crs, ids: ids, sources: sources,
          writer: writer, summary: &summary)
      }
      try writer.commit()
    } catch {
      writer.discard()
      throw error
    }
    return summary
  }

  /// The points placed on the network, with the snapper that placed them.
  private typealias Placed = (sources: [TravelTimes.Source?], snapper: NetworkSnapper)

  private func writeGrid(
    cell: Double, streets: StreetNetwork, crs: CRS, ids: [String], placed: Placed,
    writer: VectorWriter, summary: inout Summary
  ) throws {
    guard cell > 0, cell.isFinite else { throw AnalysisError.cellSizeNotPositive(value: cell) }
    var box = Envelope(
      minX: streets.nodes[0].x, minY: streets.nodes[0].y, maxX: streets.nodes[0].x,
      maxY: streets.nodes[0].y)
    for node in streets.nodes {
      box = box.union(Envelope(minX: node.x, minY: node.y, maxX: node.x, maxY: node.y))
    }
    let grid = SquareGrid(cellSize: cell)
    let (columns, rows) = grid.cells(covering: box)
    let count = Double(columns.count) * Double(rows.count)
    guard count <= 20_000_000 else {
      throw AnalysisError.tooManyCells(count: count, maximum: 20_000_000)
    }
    var centres: [SIMD2<Double>] = []
    var cells: [(Int, Int)] = []
    for row in rows {
      for column in columns {
        let envelope = grid.envelope(column: column, row: row)
        centres.append(
          SIMD2((envelope.minX + envelope.maxX) / 2, (envelope.minY + envelope.maxY) / 2))
        cells.append((column, row))
      }
    }
    let times = TravelTimes.compute(
      from: placed.sources, to: centres, network: streets, snapper: placed.snapper,
      maxSnap: maxSnap, limit: maxMinutes.map { $0 * 60 } ?? .infinity)
    let layer = try writer.addLayer(
      name: "times", geometryType: .polygon, crs: crs,
      fields: [
        Field(name: "column", type: .integer), Field(name: "row", type: .integer),
        Field(name: "minutes", type: .real), Field(name: "nearest", type: .string),
      ])
    for (index, (column, row)) in cells.enumerated() {
      let minutes = times.seconds[index].map { $0 / 60 }
      if minutes != nil { summary.reached += 1 }
      try writer.write(
        Feature(
          id: Int64(index + 1),
          attributes: [
            .integer(Int64(column)), .integer(Int64(row)), minutes.map { .real($0) } ?? .null,
            times.nearest[index].map { .string(ids[$0]) } ?? .null,
          ], geometry: Geometry.rectangle(grid.envelope(column: column, row: row))), toLayer: layer)
    }
    summary.written = cells.count
    summary.offNetwork = times.offNetwork
  }

  private func writeTargets(
    _ path: String, layer: String?, streets: StreetNetwork, crs: CRS, ids: [String],
    placed: Placed, writer: VectorWriter, summary: inout Summary
  ) throws {
    let dataset = try VectorDataset(path: path)
    let source = try layer.map { try dataset.layer(named: $0) } ?? dataset.layer(at: 0)
    guard let from = source.crs else { throw GDALError.missingCRS(path: path, layer: source.name) }
    let transformer = try Transformer(from: from, to: crs)
    var features: [Feature] = []
    var places: [SIMD2<Double>] = []
    try source.forEachFeature { feature in
      guard let geometry = feature.geometry,
        let (x, y) = try? geometry.pointOnSurface().pointCoordinates()
      else { return }
      let (px, py) = try transformer.transform(x: x, y: y)
      features.append(feature)
      places.append(SIMD2(px, py))
    }
    let times = TravelTimes.compute(
      from: placed.sources, to: places, network: streets, snapper: placed.snapper,
      maxSnap: maxSnap, limit: maxMinutes.map { $0 * 60 } ?? .infinity)
    let layer = try writer.addLayer(
      name: source.name, geometryType: source.geometryType, crs: crs,
      fields: source.fields + [
        Field(name: "minutes", type: .real), Field(name: "nearest", type: .string),
      ])
    for (index, feature) in features.enumerated() {
      let minutes = times.seconds[index].map { $0 / 60 }
      if minutes != nil { summary.reached += 1 }
      let geometry = try feature.geometry?.transformed { x, y in
        (x, y) = try transformer.transform(x: x, y: y)
      }
      try writer.write(
        Feature(
          id: feature.id,
          attributes: feature.attributes + [
            minutes.map { .real($0) } ?? .null,
            times.nearest[index].map { .string(ids[$0]) } ?? .null,
          ], geometry: geometry), toLayer: layer)
    }
    summary.written = features.count
    summary.offNetwork = times.offNetwork
  }

  private func writeAreas(
    minutes: [Double], streets: StreetNetwork, crs: CRS, ids: [String],
    sources: [TravelTimes.Source?], writer: VectorWriter, summary: inout Summary
  ) throws {
    var areas: [ServiceAreas.Area] = []
    if nearest {
      let (best, source) = ShortestPaths.fromNearest(
        OutgoingArcs(streets), nodeCount: streets.nodes.count,
        starts: TravelTimes.starts(sources, network: streets), limit: (minutes.max() ?? 0) * 60)
      areas = try ServiceAreas.areas(
        network: streets, best: best, source: source, sources: sources, minutes: minutes,
        buffer: buffer, threads: threads)
    } else {
      // Point by point, then minute by minute within each point, as before.
      areas = try ServiceAreas.ofEachSource(
        network: streets, sources: sources, minutes: minutes, buffer: buffer, threads: threads
      ).sorted { ($0.source, $0.minutes) < ($1.source, $1.minutes) }
    }
    var counts: [[FieldValue]] = Array(repeating: [], count: areas.count)
    if let units {
      let loaded = try SourceLoader.load(units, workingCRS: crs).units
      let result = try ArealInterpolation.interpolate(
        loaded, onto: .polygons(areas.map(\.shape)), extensiveNames: units.extensive,
        intensiveNames: [], categoricalNames: [], threads: threads)
      counts = result.targets.map { $0.extensive.map(FieldValue.real) }
      summary.balances = result.balances
    }
    let layer = try writer.addLayer(
      name: "areas", geometryType: .multiPolygon, crs: crs,
      fields: [
        Field(name: "point", type: .string), Field(name: "minutes", type: .real),
        Field(name: "network_m", type: .real),
      ] + (units?.extensive ?? []).map { Field(name: $0, type: .real) })
    for (index, area) in areas.enumerated() {
      try writer.write(
        Feature(
          id: Int64(index + 1),
          attributes: [.string(ids[area.source]), .real(area.minutes), .real(area.length)]
            + counts[index],
          geometry: try area.shape.map(Geometry.polygonal)), toLayer: layer)
    }
    summary.written = areas.count
  }

  /// The points' ids (an `id` or `osm_id` field, else their feature ids) and
  /// positions in `crs`.
  private func readPoints(into crs: CRS) throws -> ([String], [SIMD2<Double>]) {
    let dataset = try VectorDataset(path: points)
    let source = try layer.map { try dataset.layer(named: $0) } ?? dataset.layer(at: 0)
    guard let from = sourceCRS ?? source.crs else {
      throw GDALError.missingCRS(path: points, layer: source.name)
    }
    let transformer = try Transformer(from: from, to: crs)
    let names = source.fields.map { $0.name.lowercased() }
    let idColumn = names.firstIndex(of: "id") ?? names.firstIndex(of: "osm_id")
    var ids: [String] = []
    var positions: [SIMD2<Double>] = []
    try source.forEachFeature { feature in
      guard let geometry = feature.geometry, let (x, y) = try? geometry.pointCoordinates() else {
        return
      }
      let (px, py) = try transformer.transform(x: x, y: y)
      var id = String(feature.id)
      if let idColumn, feature.attributes[idColumn] != .null {
        id = feature.attributes[idColumn].description
      }
      ids.append(id)
      positions.append(SIMD2(px, py))
    }
    guard !ids.isEmpty else { throw NetworkError.noPoints(path: points) }
    return (ids, positions)
  }
}
