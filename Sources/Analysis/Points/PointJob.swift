import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// Counts points per grid cell or per zone, and sums or averages their
/// attributes, as `territory points` does. Each point of a MultiPoint counts as
/// one point carrying its feature's values. A point on the border of two zones
/// that tile the territory counts in the first of them; when zones overlap
/// (catchments), it counts in every zone that covers it.
public struct PointJob: Sendable {
  /// The points file and layer (first layer when `nil`).
  public var points: String
  /// The layer of `points` (first layer when `nil`).
  public var layer: String?
  /// A CRS to assume for the points instead of the one their file declares.
  public var sourceCRS: CRS?
  /// The projected working CRS.
  public var workingCRS: CRS
  /// Where the points are counted.
  public var target: InterpolationJob.Target
  /// Numeric fields to sum, and to average, per target.
  public var sum: [String] = []
  /// Numeric fields to average per target.
  public var mean: [String] = []
  /// The output and whether it may replace an existing file.
  public var output: String
  /// The table to write when `output` is a `PG:` connection.
  public var outputTable: PostGISTable?
  /// Whether an existing output may be replaced.
  public var policy = ExistingOutputPolicy.refuse
  /// Worker threads for writing the table (every core by default).
  public var threads = ParallelChunks.defaultThreads

  /// Creates a job.
  public init(points: String, workingCRS: CRS, target: InterpolationJob.Target, output: String) {
    self.points = points
    self.workingCRS = workingCRS
    self.target = target
    self.output = output
  }

  /// What the job did.
  public struct Summary: Sendable {
    /// Points read (parts of MultiPoints counted one by one).
    public var points = 0
    /// Points in no target, those that cannot be placed in the working CRS included.
    public var outside = 0
    /// Points that cannot be transformed to the working CRS (outside the area it
    /// is defined for): counted in `outside`, in no target.
    public var outsideCRS = 0
    /// Features without geometry.
    public var withoutGeometry = 0
    /// Targets written.
    public var targets = 0
  }

  /// Runs the job.
  /// - Throws: `AnalysisError`, `GDALError`, `PROJError`, `GEOSError`, `OutputError`.
  public func run() throws -> Summary {
    guard workingCRS.isProjected, workingCRS.axisUnit.hasPrefix("met") else {
      throw AnalysisError.workingCRSNotProjected(crs: workingCRS.description)
    }
    let source = try LayerSource(path: points, layer: layer, assumedCRS: sourceCRS).open()
    let fields = source.fields
    func index(_ name: String, _ kind: String) throws -> Int {
      let found = try source.fieldIndex(name)
      guard fields[found].type.isNumeric else {
        throw AnalysisError.notNumeric(
          path: points, layer: source.name, field: name, type: fields[found].type.rawValue,
          kind: kind)
      }
      return found
    }
    let sumIndexes = try sum.map { try index($0, "summed") }
    let meanIndexes = try mean.map { try index($0, "averaged") }
    let placer = try PointPlacer(from: try source.requireCRS(), to: workingCRS)
    let locator = try PointLocator(target, workingCRS: workingCRS)
    var summary = Summary()
    var tallies: [TargetKey: Tally] = [:]
    try source.forEachFeature { feature in
      guard let geometry = feature.geometry, !geometry.isEmpty else {
        summary.withoutGeometry += 1
        return
      }
      let sums = sumIndexes.map { feature.attributes[$0].doubleValue }
      let means = meanIndexes.map { feature.attributes[$0].doubleValue }
      var located: [SIMD2<Double>] = []
      geometry.forEachCoordinate { x, y in located.append(SIMD2(x, y)) }
      for var point in located {
        summary.points += 1
        guard let placed = placer.place(point) else {
          summary.outsideCRS += 1
          summary.outside += 1
          continue
        }
        point = placed
        let keys = try locator.targets(of: point)
        if keys.isEmpty { summary.outside += 1 }
        for key in keys {
          tallies[key, default: Tally(sums: sum.count, means: mean.count)].add(sums, means)
        }
      }
    }
    var columns = [Field(name: "count", type: .integer)]
    columns += sum.map { Field(name: $0 + "_sum", type: .real) }
    columns += mean.map { Field(name: $0 + "_mean", type: .real) }
    let keys = locator.allKeys ?? tallies.keys.sorted()
    let rows = keys.map { key in
      (key, (tallies[key] ?? Tally(sums: sum.count, means: mean.count)).values)
    }
    let table = ValueTable(fields: columns, rows: rows)
    summary.targets = rows.count
    let metadata = AnalysisMetadata(
      operation: "points", crs: workingCRS.description,
      source: PostgreSQLConnection.masked(points), targets: rows.count,
      details: ["points": String(summary.points), "outside": String(summary.outside)])
    switch locator.kind {
    case .grid(let shape):
      try TableWriter.writeGrid(
        cells: [], shape: shape, crs: workingCRS, table: table, path: output,
        databaseTable: outputTable, policy: policy, metadata: metadata, threads: threads)
    case .zones(let zones):
      try TableWriter.writeTargets(
        zones, table: table, crs: workingCRS, path: output, databaseTable: outputTable,
        policy: policy, metadata: metadata, threads: threads)
    }
    return summary
  }
}

/// The count, sums and means of the points of one target.
struct Tally {
  var count = 0
  var sums: [Double]
  var meanSums: [Double]
  var meanCounts: [Int]

  init(sums: Int, means: Int) {
    self.sums = Array(repeating: 0, count: sums)
    meanSums = Array(repeating: 0, count: means)
    meanCounts = Array(repeating: 0, count: means)
  }

  mutating func add(_ values: [Double?], _ averaged: [Double?]) {
    count += 1
    for (index, value) in values.enumerated() { if let value { sums[index] += value } }
    for (index, value) in averaged.enumerated() {
      guard let value else { continue }
      meanSums[index] += value
      meanCounts[index] += 1
    }
  }

  var values: [FieldValue] {
    [.integer(Int64(count))] + sums.map(FieldValue.real)
      + zip(meanSums, meanCounts).map { $1 > 0 ? .real($0 / Double($1)) : .null }
  }
}

/// Finds the targets of a point: its grid cell, or the zones that cover it.
final class PointLocator {
  enum Kind {
    case grid(GridShape)
    case zones(TargetLayer)
  }

  let kind: Kind
  private var zones: PolygonLocator?
  private var overlapping = false

  init(_ target: InterpolationJob.Target, workingCRS: CRS) throws {
    switch target {
    case .grid(let shape): kind = .grid(shape)
    case .layer(let path, let layer):
      let zones = try TargetLayer.load(path: path, layer: layer, workingCRS: workingCRS)
      kind = .zones(zones)
      self.zones = try PolygonLocator(zones.geometries)
      overlapping = try ArealInterpolation.targetsOverlap(.polygons(zones.geometries))
    }
  }

  /// Every target in output order for zones (all are written); `nil` for grids.
  var allKeys: [TargetKey]? {
    guard case .zones(let zones) = kind else { return nil }
    return zones.attributes.indices.map { TargetKey(column: 0, row: $0) }
  }

  func targets(of point: SIMD2<Double>) throws -> [TargetKey] {
    switch kind {
    case .grid(let shape):
      return shape.cell(containing: point).map { [$0] } ?? []
    case .zones:
      guard let zones else { return [] }
      return try zones.covering(point, all: overlapping).map { TargetKey(column: 0, row: $0) }
    }
  }
}
