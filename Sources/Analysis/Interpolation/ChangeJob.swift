import Foundation
import GDALKit
import GeoCore
import PROJKit

/// What changed between two dates of a territory whose units were redrawn in
/// between, as `territory change` runs it: both dates are interpolated onto
/// the same targets (a grid, a layer, or one date's own units), and each
/// variable gets `<name>_before`, `<name>_after`, `<name>_change` (after −
/// before) and `<name>_change_pct` (empty where before is 0 or empty, never
/// infinite). The mass balance is kept per date.
public struct ChangeJob: Sendable {
  /// One of the two dates.
  public enum Date: String, Sendable, CaseIterable {
    /// The earlier date.
    case before
    /// The later date.
    case after
  }

  /// Where both dates go.
  public enum Target: Sendable {
    /// A grid in the working CRS: the cells either date touches.
    case grid(GridShape)
    /// The polygons of a layer, every one written.
    case layer(path: String, layer: String?)
    /// The units of one date, every one written with its attributes.
    case onto(Date)
  }

  /// A variable of both dates: `A:B` pairs field A of the earlier date with
  /// field B of the later; a bare `A` is the same name in both.
  public struct Pair: Sendable, Equatable {
    /// The output's name (the earlier date's field).
    public var name: String
    /// The field of the earlier date.
    public var before: String
    /// The field of the later date.
    public var after: String

    /// `A` or `A:B`.
    public init(parsing text: String) {
      let parts = text.split(separator: ":", maxSplits: 1).map {
        String($0).trimmingCharacters(in: .whitespaces)
      }
      before = parts.first ?? text
      after = parts.count > 1 ? parts[1] : before
      name = before
    }
  }

  /// The earlier date's layer (its variables are set from the pairs).
  public var before: SourceRequest
  /// The later date's layer.
  public var after: SourceRequest
  /// Counts, split by area.
  public var extensive: [Pair] = []
  /// Rates, averaged by area.
  public var intensive: [Pair] = []
  /// The projected CRS, in metres, where areas are measured.
  public var workingCRS: CRS
  /// Where both dates go.
  public var target: Target
  /// The output path (its extension picks the format).
  public var output: String
  /// Whether an existing output may be replaced.
  public var policy = ExistingOutputPolicy.refuse
  /// The most cells a grid may have.
  public var maximumCells = InterpolationJob.defaultMaximumCells
  /// Worker threads; the results do not depend on it.
  public var threads = ParallelChunks.defaultThreads

  /// Compares `before` and `after` on `target`, written to `output`.
  public init(
    before: SourceRequest, after: SourceRequest, workingCRS: CRS, target: Target, output: String
  ) {
    self.before = before
    self.after = after
    self.workingCRS = workingCRS
    self.target = target
    self.output = output
  }

  /// What the job did.
  public struct Summary: Sendable {
    /// The targets written.
    public var written: Int
    /// The earlier date's balance, one per count.
    public var balancesBefore: [MassBalance]
    /// The later date's balance.
    public var balancesAfter: [MassBalance]
    /// The units read of each date.
    public var unitsBefore: Int
    /// The units read of the later date.
    public var unitsAfter: Int
    /// Grid cells only one date covers (their change is empty).
    public var coveredByOneDate: Int
    /// The sidecar holding both balances.
    public var metadataPath: String
  }

  /// Runs the job.
  /// - Throws: `AnalysisError` (a variable missing or of text type in one
  ///   date, named with its file), `GDALError`, `PROJError`, `GEOSError`,
  ///   `OutputError`; nothing is written on failure.
  public func run() throws -> Summary {
    guard workingCRS.isProjected, workingCRS.axisUnit.hasPrefix("met") else {
      throw AnalysisError.workingCRSNotProjected(crs: workingCRS.description)
    }
    if extensive.isEmpty && intensive.isEmpty { throw AnalysisError.noVariables }
    try TableWriter.checkDestination(path: output, databaseTable: nil)
    var requests = (before, after)
    requests.0.extensive = extensive.map(\.before)
    requests.0.intensive = intensive.map(\.before)
    requests.1.extensive = extensive.map(\.after)
    requests.1.intensive = intensive.map(\.after)
    requests.0.categorical = []
    requests.1.categorical = []
    let (unitsBefore, _) = try SourceLoader.load(requests.0, workingCRS: workingCRS)
    let (unitsAfter, _) = try SourceLoader.load(requests.1, workingCRS: workingCRS)
    var targetLayer: TargetLayer?
    let targets: InterpolationTargets
    switch target {
    case .grid(let shape):
      try shape.checkCellCount(
        within: InterpolationJob.extent(of: unitsBefore + unitsAfter), maximum: maximumCells)
      targets = shape.targets
    case .layer(let path, let layer):
      targetLayer = try TargetLayer.load(path: path, layer: layer, workingCRS: workingCRS)
      targets = .polygons(targetLayer!.geometries)
    case .onto(let date):
      let own = date == .before ? before : after
      targetLayer = try TargetLayer.load(
        path: own.path, layer: own.layer, workingCRS: workingCRS, assumedCRS: own.sourceCRS)
      targets = .polygons(targetLayer!.geometries)
    }
    func interpolate(_ units: [SourceUnit], _ request: SourceRequest) throws
      -> InterpolationResult
    {
      try ArealInterpolation.interpolate(
        units, onto: targets, extensiveNames: request.extensive,
        intensiveNames: request.intensive, categoricalNames: [], threads: threads)
    }
    let resultBefore = try interpolate(unitsBefore, requests.0)
    let resultAfter = try interpolate(unitsAfter, requests.1)
    let (table, oneDate) = changeTable(resultBefore, resultAfter, grid: targetLayer == nil)
    let metadata = AnalysisMetadata(
      operation: "change", crs: workingCRS.description,
      source:
        "\(PostgreSQLConnection.masked(before.path)) → \(PostgreSQLConnection.masked(after.path))",
      targets: table.rows.count, rule: resultAfter.rule.rawValue,
      balances: renamed(resultBefore.balances, .before) + renamed(resultAfter.balances, .after),
      details: details())
    if let targetLayer {
      try TableWriter.writeTargets(
        targetLayer, table: table, crs: workingCRS, path: output, policy: policy,
        metadata: metadata, threads: threads)
    } else if case .grid(let shape) = target {
      try TableWriter.writeGrid(
        cells: [], shape: shape, crs: workingCRS, table: table, path: output, policy: policy,
        metadata: metadata, threads: threads)
    }
    return Summary(
      written: table.rows.count, balancesBefore: resultBefore.balances,
      balancesAfter: resultAfter.balances, unitsBefore: unitsBefore.count,
      unitsAfter: unitsAfter.count, coveredByOneDate: oneDate,
      metadataPath: AnalysisMetadata.sidecarPath(for: output))
  }

  /// The output columns, per target: both dates, the change and its percentage.
  /// A grid cell only one date reaches has that date's values and an empty
  /// change (no source of the other date says anything about it).
  func changeTable(_ first: InterpolationResult, _ second: InterpolationResult, grid: Bool)
    -> (ValueTable, coveredByOneDate: Int)
  {
    let pairs = extensive + intensive
    var fields: [Field] = []
    for pair in pairs {
      fields += ["before", "after", "change", "change_pct"].map {
        Field(name: "\(pair.name)_\($0)", type: .real)
      }
    }
    let earlier = Dictionary(first.targets.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let later = Dictionary(second.targets.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let keys = Set(earlier.keys).union(later.keys).sorted()
    var oneDate = 0
    func values(_ target: TargetValues?) -> [Double?] {
      guard let target, !grid || target.coveredArea > 0 else {
        return [Double?](repeating: nil, count: pairs.count)
      }
      return target.extensive.map { $0 } + target.intensive
    }
    let rows = keys.map { key -> (key: TargetKey, values: [FieldValue]) in
      let (a, b) = (values(earlier[key]), values(later[key]))
      if grid && (a.allSatisfy { $0 == nil } != b.allSatisfy { $0 == nil }) { oneDate += 1 }
      var row: [FieldValue] = []
      for index in pairs.indices {
        let (x, y) = (a[index], b[index])
        let change = x.flatMap { x in y.map { $0 - x } }
        let percent = change.flatMap { change in x.flatMap { $0 != 0 ? 100 * change / $0 : nil } }
        row += [x, y, change, percent].map { $0.map(FieldValue.real) ?? .null }
      }
      return (key, row)
    }
    return (ValueTable(fields: fields, rows: rows), oneDate)
  }

  private func renamed(_ balances: [MassBalance], _ date: Date) -> [MassBalance] {
    zip(balances, extensive).map { balance, pair in
      var named = balance
      named.variable = "\(pair.name)_\(date.rawValue)"
      return named
    }
  }

  private func details() -> [String: String] {
    var details = [
      "before": PostgreSQLConnection.masked(before.path),
      "after": PostgreSQLConnection.masked(after.path),
    ]
    if let layer = before.layer { details["before_layer"] = layer }
    if let layer = after.layer { details["after_layer"] = layer }
    switch target {
    case .grid(let shape): details["grid"] = shape.description
    case .layer(let path, _): details["targets"] = PostgreSQLConnection.masked(path)
    case .onto(let date): details["onto"] = date.rawValue
    }
    return details
  }
}
