import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// `territory analyze`: checks a site, builds every scale of its ladder, computes
/// the indicators, the scale report, catchments and footprint, and writes
/// `analysis.gpkg`, `<scale>.geojson`, `report.md`, `report.json` and
/// `manifest.lock.json` into an output folder that replaces the previous one only
/// when everything is written.
public struct SiteAnalysis {
  /// The site folder (holding `site.yaml`).
  public var site: String
  /// The output folder (default `out/<site name>`).
  public var output: String?
  /// Whether an existing output folder may be replaced.
  public var policy = ExistingOutputPolicy.refuse
  /// Worker threads (default: every core).
  public var threads = ProcessInfo.processInfo.activeProcessorCount
  /// Called with one line per step.
  public var progress: (String) -> Void = { _ in }
  /// Called before the output folder is put in place, with the staging folder,
  /// the scale tables and the manifest, to add files (the command line writes
  /// there the `<scale>.geojson` files with Tiles and the maps with
  /// Cartography); returns the names of the files it wrote.
  public var extraOutputs: ((URL, [ScaleTable], SiteManifest) throws -> [String])?

  /// Creates an analysis of the site in `site`.
  public init(site: String) { self.site = site }

  /// What was written.
  public struct Summary: Sendable {
    /// The output folder.
    public var folder: String
    /// The files written, relative to it.
    public var files: [String]
    /// The scale report.
    public var report: ScaleReport
  }

  /// Runs the analysis.
  /// - Throws: `SiteError` (manifest), `SiteCheckFailure` (the check found errors),
  ///   `AnalysisError`, `GDALError`, `PROJError`, `GEOSError`, `OutputError`.
  ///   Nothing is written on failure and the previous output folder is kept.
  public func run() throws -> Summary {
    let manifest = try ManifestReader.read(site)
    progress("checking \(manifest.layers.count) layers of site '\(manifest.name)'")
    let check = SiteCheck.run(manifest)
    guard check.usable else { throw SiteCheckFailure(report: check) }
    let folderPath = output ?? "out/\(manifest.name)"
    let parent = (folderPath as NSString).deletingLastPathComponent
    if !parent.isEmpty {
      try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    }
    let folder = try StagedFolder(path: folderPath, policy: policy)
    GDALLibrary.useFixedTimestamps()
    do {
      progress("loading layers in \(manifest.crs)")
      let loaded = try LoadedSite(manifest)
      loaded.threads = max(1, threads)
      for note in loaded.notes { progress("  \(note)") }
      let gpkg = try VectorWriter(
        path: folder.staging.appendingPathComponent("analysis.gpkg").path, policy: .refuse)
      var report = ScaleReport(
        manifest: manifest, check: check, repairedUnits: loaded.repairedUnits)
      var files = ["analysis.gpkg"]
      var tables: [ScaleTable] = []
      for (index, scale) in manifest.scales.enumerated() {
        let table = try loaded.table(for: scale)
        tables.append(table)
        progress(
          "[\(index + 1)/\(manifest.scales.count)] \(scale.name): \(table.rows.count) targets")
        for note in table.notes { progress("  \(scale.name): \(note)") }
        try SiteOutputs.add(table, to: gpkg, crs: loaded.crs)
        var placements: [ScaleTable] = []
        if case .grid(false, let cell) = scale.kind {
          for shift in [SIMD2(cell / 2, 0), SIMD2(0, cell / 2), SIMD2(cell / 2, cell / 2)] {
            placements.append(try loaded.table(for: scale, shift: shift))
          }
        }
        report.add(scale: scale, table: table, shifted: placements)
      }
      if let spec = manifest.analyses.catchments, let table = try loaded.catchments(spec) {
        progress("catchments: \(table.rows.count) buffers")
        try SiteOutputs.add(table, to: gpkg, crs: loaded.crs)
        report.addExtra(name: "catchments", table: table)
      }
      if let spec = manifest.analyses.footprint, let table = try loaded.footprint(spec) {
        progress("urban footprint: \(table.rows.count) pieces")
        try SiteOutputs.add(table, to: gpkg, crs: loaded.crs)
        report.addExtra(name: "footprint", table: table)
      }
      try gpkg.commit()
      try report.markdown().write(
        to: folder.staging.appendingPathComponent("report.md"), atomically: false, encoding: .utf8)
      try report.json().write(to: folder.staging.appendingPathComponent("report.json"))
      try SiteOutputs.lock(manifest: manifest).write(
        to: folder.staging.appendingPathComponent("manifest.lock.json"))
      files += ["report.md", "report.json", "manifest.lock.json"]
      if let extraOutputs {
        progress("drawing maps")
        files += try extraOutputs(folder.staging, tables, manifest)
      }
      try folder.commit()
      return Summary(folder: folder.target.path, files: files, report: report)
    } catch {
      folder.discard()
      throw error
    }
  }
}

/// The site check found errors: the analysis does not run.
public struct SiteCheckFailure: Error, Sendable, CustomStringConvertible {
  /// What the check found.
  public var report: SiteCheckReport
  public var description: String {
    let errors = report.problems.filter { $0.severity == "error" }
    let first =
      errors.first.map { ($0.layer.isEmpty ? "" : "layer \($0.layer): ") + $0.message } ?? ""
    return
      "site '\(report.site)' is not usable (\(errors.count) error\(errors.count == 1 ? "" : "s")); first: \(first); run 'territory site check' for all"
  }
}

/// Writing scale tables and the lock file.
enum SiteOutputs {
  static func add(_ table: ScaleTable, to writer: VectorWriter, crs: CRS) throws {
    let layer = try writer.addLayer(
      name: table.name, geometryType: .unknown, crs: crs, fields: table.fields)
    for (index, row) in table.rows.enumerated() {
      let wkb = table.geometries[index]
      try writer.write(
        Feature(
          id: Int64(index + 1), attributes: row,
          geometry: wkb.isEmpty ? nil : try Geometry(wkb: wkb)),
        toLayer: layer)
    }
  }

  /// The resolved manifest, the inputs' checksums and the tools' versions.
  static func lock(manifest: SiteManifest) throws -> Data {
    let formatter = ISO8601DateFormatter()
    let inputs: [[String: Any]] = manifest.layers.map { layer in
      let path = LoadedSite.path(of: layer, in: manifest)
      let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
      return [
        "layer": layer.key, "path": layer.path, "bytes": size,
        "sha256": Checksum.sha256(file: path) ?? "unreadable",
      ]
    }
    let layers: [[String: Any]] = manifest.layers.map { layer in
      var entry: [String: Any] = [
        "key": layer.key, "path": layer.path, "role": layer.role.rawValue,
      ]
      if let name = layer.layer { entry["layer"] = name }
      if let crs = layer.crs { entry["crs"] = crs }
      if let id = layer.id { entry["id"] = id }
      entry["variables"] = layer.variables.map {
        ["name": $0.name, "kind": $0.kind.rawValue, "band": $0.band]
      }
      return entry
    }
    let scales: [[String: Any]] = manifest.scales.map { scale in
      var entry: [String: Any] = ["name": scale.name]
      switch scale.kind {
      case .grid(let hexagonal, let cell): entry[hexagonal ? "hex" : "grid"] = cell
      case .units(let layer): entry["units"] = layer
      case .dissolve(let layer, let field):
        entry["dissolve"] = layer
        if let field { entry["by"] = field }
      case .zones(let layer): entry["zones"] = layer
      }
      return entry
    }
    let analyses = manifest.analyses
    var resolvedAnalyses: [String: Any] = ["densities": analyses.densities]
    resolvedAnalyses["zonal"] =
      analyses.zonal ?? manifest.layers.filter { $0.role == .raster }.map(\.key)
    resolvedAnalyses["points"] =
      analyses.points ?? manifest.layers.filter { $0.role == .points }.map(\.key)
    if let c = analyses.catchments {
      resolvedAnalyses["catchments"] = ["points": c.points, "radii": c.radii, "units": c.units]
    }
    if let f = analyses.footprint {
      resolvedAnalyses["footprint"] = [
        "layer": f.layer, "where": "\(f.field) = \(f.value)", "close": f.close,
      ]
    }
    let lock: [String: Any] = [
      "generated": formatter.string(from: Date()),
      "tools": [
        "territory": GeoCoreVersion.string, "gdal": GDALLibrary.version,
        "proj": PROJLibrary.version,
        "geos": GEOSLibrary.version,
      ],
      "manifest": [
        "name": manifest.name, "title": manifest.titles, "languages": manifest.languages,
        "crs": manifest.crs,
        "allow-outside": manifest.allowOutside, "layers": layers, "scales": scales,
        "analyses": resolvedAnalyses,
      ],
      "inputs": inputs,
    ]
    return try JSONSerialization.data(
      withJSONObject: lock, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
  }
}
