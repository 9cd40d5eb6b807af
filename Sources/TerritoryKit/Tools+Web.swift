import Foundation

/// How `Tools.web(analysis:output:options:)` runs.
public struct WebOptions {
  /// Whether an existing output folder may be replaced.
  public var policy = ExistingOutputPolicy.refuse
  /// The site folder holding the elevation model, when it is no longer where
  /// the analysis read it (`manifest.lock.json` records that folder).
  public var siteFolder: String?
  /// Whether the shaded relief is made (when the site has an elevation model).
  public var relief = true
  /// Worker threads (default: every core); the tiles do not depend on it.
  public var threads = ParallelChunks.defaultThreads
  /// Called with one line per step.
  public var progress: (String) -> Void = { _ in }

  /// The defaults: refuse to replace, relief when there is one, every core, silent.
  public init() {}
}

extension Tools {
  /// `territory web`: the web map of an analysis folder (the output of
  /// `analyze`), the same one `analyze` writes into `web/`: a static page that
  /// works offline from any static host.
  /// - Returns: the files written, relative to `output`.
  /// - Throws: `WebMapError` (not an analysis folder, MapLibre GL JS missing,
  ///   elevation model missing or changed), `OutputError`, `GDALError`,
  ///   `TilesError`. Nothing is written on failure.
  public static func web(analysis: String, output: String, options: WebOptions = WebOptions())
    throws -> [String]
  {
    if WebMapExport.mapLibre() == nil {
      throw WebMapError.mapLibreMissing(looked: WebMapExport.mapLibreFolders)
    }
    let content = try WebMapContent.read(
      analysis: URL(fileURLWithPath: analysis), siteFolder: options.siteFolder,
      relief: options.relief)
    let parent = (output as NSString).deletingLastPathComponent
    if !parent.isEmpty {
      try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    }
    let folder = try StagedOutput(folder: output, policy: options.policy)
    let files = try WebMapExport.write(
      content, into: folder.stagingPath, threads: options.threads, progress: options.progress)
    try folder.commit()
    return files
  }
}
