import Foundation

/// What `Tools.network(osm:profile:options:)` wrote.
public struct NetworkResult: Sendable {
  /// What the build read and made.
  public var summary: NetworkBuilder.Summary
  /// Nodes and edges written.
  public var nodes: Int
  /// Edges written.
  public var edges: Int
  /// The network's CRS.
  public var crs: String
}

extension Tools {
  /// `territory network`: a routable street network of `profile` from an
  /// OpenStreetMap extract, written to the GeoPackage `output`.
  /// - Parameters:
  ///   - crs: the network's CRS, projected in metres (default: the UTM zone
  ///     of the extract's centre).
  ///   - box: west, south, east, north in degrees: the ways reaching into it.
  ///   - speed: km/h in place of the profile's.
  /// - Throws: `NetworkError`, `AnalysisError.workingCRSNotProjected`,
  ///   `GDALError` (unreadable or damaged file), `OutputError`. Nothing is
  ///   written on failure.
  public static func network(
    osm: String, profile: StreetProfile, crs: CRS? = nil, box: Envelope? = nil,
    speed: Double? = nil, output: String, policy: ExistingOutputPolicy = .refuse
  ) throws -> NetworkResult {
    if let speed, !(speed > 0 && speed.isFinite) { throw NetworkError.badSpeed(speed) }
    if let crs, !crs.isProjected {
      throw AnalysisError.workingCRSNotProjected(crs: crs.definition)
    }
    guard FileManager.default.fileExists(atPath: osm) else {
      throw GDALError.fileNotFound(path: osm)
    }
    let (network, summary, target) = try NetworkBuilder.build(
      osm: osm, profile: profile, crs: crs, box: box, speed: speed)
    try NetworkFile.write(network, crs: target, to: output, policy: policy)
    return NetworkResult(
      summary: summary, nodes: network.nodes.count, edges: network.edges.count,
      crs: target.definition)
  }

  /// `territory reach`: travel times to the nearest point per grid cell, or
  /// service areas per point, over a stored street network.
  /// - Throws: what `ReachJob.run()` throws.
  public static func reach(_ job: ReachJob) throws -> ReachJob.Summary { try job.run() }
}
