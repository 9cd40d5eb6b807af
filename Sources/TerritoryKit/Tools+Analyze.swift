import Foundation

/// How `Tools.analyze(site:options:)` runs.
public struct AnalyzeOptions {
  /// The output folder (default `out/<site name>`).
  public var output: String?
  /// Whether an existing output folder (and database schema) may be replaced.
  public var policy = ExistingOutputPolicy.refuse
  /// A PostgreSQL connection to write the tables to as well, in `schema`.
  public var database: String?
  /// The schema of `database` (default: the site's name).
  public var schema: String?
  /// The CRS the maps are drawn in, in place of the site's `map-crs` (or its
  /// working CRS).
  public var mapCRS: String?
  /// Whether the web map is written (`web/`); it needs MapLibre GL JS.
  public var web = true
  /// Worker threads (default: every core); the results do not depend on it.
  public var threads = ParallelChunks.defaultThreads
  /// Scales of more polygons than this are left out of the maps (and said so
  /// in the report); the default is `SiteMaps.mostPolygons`.
  public var mostMapPolygons = SiteMaps.mostPolygons
  /// Called with one line per step.
  public var progress: (String) -> Void = { _ in }

  /// The defaults: `out/<site name>`, refuse to replace, every core, silent.
  public init() {}
}

/// What `Tools.analyze(site:options:)` wrote.
public struct AnalyzeResult: Sendable {
  /// The output folder.
  public var folder: String
  /// The files written, relative to it.
  public var files: [String]
  /// The scale report (with the mass balance of every scale).
  public var report: ScaleReport
}

extension Tools {
  /// `territory analyze`: the main job, straight through. The site is checked
  /// (each layer read once, there), loaded from what the check read, analysed at
  /// every scale, and exported: `analysis.gpkg`, `<scale>.geojson`, `report.md`,
  /// `report.json`, `manifest.lock.json` and the maps, into a folder that
  /// replaces the previous one only when everything is written.
  /// - Throws: `SiteError` (manifest), `SiteCheckFailure` (the check found
  ///   errors), `AnalysisError`, `GDALError`, `PROJError`, `GEOSError`,
  ///   `OutputError`, `MapError`, `WebMapError` (before any work). Nothing is written on failure and the previous
  ///   output folder is kept.
  public static func analyze(site: String, options: AnalyzeOptions = AnalyzeOptions()) throws
    -> AnalyzeResult
  {
    let progress = options.progress
    if options.web && WebMapExport.mapLibre() == nil {
      throw WebMapError.mapLibreMissing(looked: WebMapExport.mapLibreFolders)
    }
    var manifest = try ManifestReader.read(site)
    if let mapCRS = options.mapCRS { manifest.mapCRS = mapCRS }
    progress("checking \(manifest.layers.count) layers of site '\(manifest.name)'")
    let (check, layers) = SiteCheck.read(manifest)
    guard check.usable else { throw SiteCheckFailure(report: check) }
    let folderPath = options.output ?? "out/\(manifest.name)"
    let parent = (folderPath as NSString).deletingLastPathComponent
    if !parent.isEmpty {
      try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    }
    let folder = try StagedOutput(folder: folderPath, policy: options.policy)
    // Connected before the analysis, so that a refused connection, role or
    // schema stops the run at once; the transaction stays open until the end.
    let database = try options.database.map {
      try PostGISSchemaWriter(
        connection: $0, schema: options.schema ?? manifest.name, policy: options.policy)
    }
    GDALLibrary.useFixedTimestamps()
    progress("loading layers in \(manifest.crs)")
    let site = try LoadedSite(manifest, layers: layers)
    site.threads = max(1, options.threads)
    for note in site.notes { progress("  \(note)") }
    // Each table is written (GeoPackage layer, GeoJSON, database table) as soon
    // as it is made, then let go but for what the maps need: a ladder of fine
    // grids never holds more than one whole table.
    let gpkg = try VectorWriter(
      path: folder.stagingPath.appendingPathComponent("analysis.gpkg").path, policy: .refuse)
    let toWGS84 = try Transformer(from: site.crs, to: CRS.wgs84)
    var geoJSONFiles: [String] = []
    var results: SiteAnalysis.Results
    do {
      results = try SiteAnalysis.analyse(
        site, check: check, keeping: Set(manifest.analyses.change?.pairs.map(\.name) ?? []),
        progress: progress
      ) { table, role in
        progress(
          "  writing \(table.name) (\(table.count) row\(table.count == 1 ? "" : "s")) to analysis.gpkg"
            + (role == .scale ? ", \(table.name).geojson" : "")
            + (database.map { " and \($0.path)" } ?? ""))
        try SiteOutputs.add(table, to: gpkg, crs: site.crs)
        if role == .scale {
          geoJSONFiles.append(
            try SiteExports.geoJSON(
              table, transformer: toWGS84, folder: folder.stagingPath, progress: progress))
        }
        if let database { try SiteOutputs.add(table, to: database, crs: site.crs) }
      }
      let styles = try SiteExports.layerStyles(results.scales, manifest: manifest)
      if !styles.isEmpty { try gpkg.addLayerStyles(styles) }
      try gpkg.commit()
    } catch {
      gpkg.discard()
      database?.discard()
      throw error
    }
    for (index, scale) in zip(results.report.scales.indices, results.scales) {
      let drawing = SiteMaps.Drawing(
        polygons: results.report.scales[index].targets, most: options.mostMapPolygons,
        gridCells: SiteExports.gridLattice(of: scale.geometries) != nil)
      results.report.scales[index].map =
        switch drawing {
        case .vector: .vector
        case .image: .image(dpi: Int(MapRenderer.imageDPI))
        case .cells: .cells(dpi: Int(MapRenderer.imageDPI))
        case .leftOut: .leftOut
        }
    }
    var files = ["analysis.gpkg"]
    files += try SiteOutputs.writeReports(
      results.report, manifest: manifest, to: folder.stagingPath)
    files += geoJSONFiles
    let leftOut = results.report.scales.filter { $0.map == .leftOut }
    progress(
      "drawing maps"
        + (leftOut.isEmpty
          ? ""
          : " (left out for size: \(leftOut.map(\.name).joined(separator: ", ")); see report.md)"))
    files += try SiteExports.maps(
      results.scales, manifest: manifest, leaving: Set(leftOut.map(\.name)),
      fromGrid: Set(results.report.scales.filter { $0.map.name == "cells" }.map(\.name)),
      folder: folder.stagingPath)
    files += try SiteExports.zoningHistograms(
      results.report.zoningEffects, tables: results.scales, manifest: manifest,
      folder: folder.stagingPath)
    if options.web {
      progress("writing the web map")
      let web = folder.stagingPath.appendingPathComponent("web")
      try FileManager.default.createDirectory(at: web, withIntermediateDirectories: true)
      // Read back from the files just written, as `territory web` reads them;
      // the elevation model was checksummed for the lock moments ago.
      let content = try WebMapContent.read(
        analysis: folder.stagingPath, siteFolder: manifest.folder, verifyRelief: false)
      files += try WebMapExport.write(
        content, into: web, threads: site.threads, progress: progress
      ).map { "web/" + $0 }
    }
    if let database {
      progress("writing the report's tables to \(database.path)")
      do {
        try SiteOutputs.writeReportTables(results.report, manifest: manifest, to: database)
        try database.commit()
      } catch {
        database.discard()
        throw error
      }
    }
    try folder.commit()
    return AnalyzeResult(folder: folder.target.path, files: files, report: results.report)
  }
}
