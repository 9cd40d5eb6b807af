import Foundation

/// What `Tools.siteInit(_:)` is to write.
public struct SiteInitJob: Sendable {
  /// The site folder (created if missing).
  public var folder: String
  /// The working CRS (EPSG code, WKT or PROJ string), projected in metres.
  public var crs: String
  /// The team's files.
  public var files: [String]
  /// Whether an existing `site.yaml` may be replaced.
  public var policy = ExistingOutputPolicy.refuse

  /// A job for `folder` in `crs` from `files`.
  public init(folder: String, crs: String, files: [String]) {
    self.folder = folder
    self.crs = crs
    self.files = files
  }
}

/// What `Tools.siteInit(_:)` wrote.
public struct SiteInitResult: Sendable {
  /// The path of `site.yaml`.
  public var path: String
  /// The number of layers it declares.
  public var layers: Int
}

extension Tools {
  /// `territory site check`: every layer of the site read and checked.
  /// - Throws: `SiteError` when the manifest cannot be read; problems of the
  ///   layers are in the report, not thrown.
  public static func siteCheck(site: String) throws -> SiteCheckReport {
    SiteCheck.run(try ManifestReader.read(site))
  }

  /// `territory site init`: a starting `site.yaml` from the team's files, roles
  /// and kinds guessed and marked for review (`SiteDraft`).
  /// - Throws: what `SiteDraft.make` throws, `OutputError` when `site.yaml`
  ///   exists and may not be replaced.
  public static func siteInit(_ job: SiteInitJob) throws -> SiteInitResult {
    let draft = try SiteDraft.make(folder: job.folder, crs: job.crs, files: job.files)
    try FileManager.default.createDirectory(atPath: job.folder, withIntermediateDirectories: true)
    let output = try StagedOutput(
      path: (job.folder as NSString).appendingPathComponent("site.yaml"), policy: job.policy)
    try Data(draft.text.utf8).write(to: output.stagingPath)
    try output.commit()
    return SiteInitResult(path: output.target.path, layers: draft.layers)
  }
}
