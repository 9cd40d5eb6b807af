import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// The analysis stage of `territory analyze`: every scale of the site's ladder
/// with its indicators, the shifted placements of square grids, catchments,
/// footprint and the scale report, computed from a loaded site. It writes
/// nothing; `SiteOutputs` writes what it found, and the `analyze` tool of
/// TerritoryKit runs the whole job (check, load, analyse, export).
public enum SiteAnalysis {
  /// What the analysis found.
  public struct Results {
    /// One table per scale, in the manifest's order.
    public var tables: [ScaleTable]
    /// Catchments and footprint, when the manifest asks for them.
    public var extras: [ScaleTable]
    /// The scale report.
    public var report: ScaleReport
  }

  /// Analyses `site`, whose check found `check`; `progress` gets one line per step.
  /// - Throws: `AnalysisError`, `SiteError`, `GDALError`, `PROJError`, `GEOSError`.
  public static func analyse(
    _ site: LoadedSite, check: SiteCheckReport, progress: (String) -> Void = { _ in }
  ) throws -> Results {
    let manifest = site.manifest
    var report = ScaleReport(manifest: manifest, check: check, repairedUnits: site.repairedUnits)
    var tables: [ScaleTable] = []
    var zoningBasis: ZoningBasis?
    for (index, scale) in manifest.scales.enumerated() {
      let table = try site.table(for: scale)
      tables.append(table)
      progress("[\(index + 1)/\(manifest.scales.count)] \(scale.name): \(table.rows.count) targets")
      for note in table.notes { progress("  \(scale.name): \(note)") }
      // The other placements keep only their statistics: a table of a
      // million cells takes about a gigabyte, and four alive at once were the
      // job's peak.
      var placements: [[ScaleStatistics]] = []
      if case .grid(false, let cell) = scale.kind {
        for shift in [SIMD2(cell / 2, 0), SIMD2(0, cell / 2), SIMD2(cell / 2, cell / 2)] {
          placements.append(try site.placementStatistics(for: scale, shift: shift))
        }
      }
      report.add(scale: scale, table: table, shifted: placements)
      if scale.randomZonings > 0, zoningBasis == nil { zoningBasis = try site.zoningBasis() }
      if let zoningBasis,
        let effect = site.zoningEffect(scale: scale, table: table, basis: zoningBasis)
      {
        progress(
          "  \(scale.name): \(effect.zonings) random zonings of \(effect.units) units into \(effect.zones) zones"
        )
        report.zoningEffects.append(effect)
      }
    }
    var extras: [ScaleTable] = []
    if let spec = manifest.analyses.catchments, let table = try site.catchments(spec) {
      progress(
        "catchments: \(table.rows.count) \(spec.network == nil ? "buffers" : "areas along the streets")"
      )
      extras.append(table)
      report.addExtra(name: "catchments", table: table)
    }
    if let spec = manifest.analyses.footprint, let table = try site.footprint(spec) {
      progress("urban footprint: \(table.rows.count) pieces")
      extras.append(table)
      report.addExtra(name: "footprint", table: table)
    }
    return Results(tables: tables, extras: extras, report: report)
  }
}

/// The site check found errors: the analysis does not run.
public struct SiteCheckFailure: Error, Sendable, CustomStringConvertible {
  /// What the check found.
  public var report: SiteCheckReport

  /// The failure of a check that found `report`.
  public init(report: SiteCheckReport) { self.report = report }
  /// One line for the user: the site, how many errors, the first, and how to see them all.
  public var description: String {
    let errors = report.problems.filter { $0.severity == "error" }
    let first =
      errors.first.map { ($0.layer.isEmpty ? "" : "layer \($0.layer): ") + $0.message } ?? ""
    return
      "site '\(report.site)' is not usable (\(errors.count) error\(errors.count == 1 ? "" : "s")); first: \(first); run 'territory site check' for all"
  }
}

/// What the analysis writes into its output folder: `analysis.gpkg` (one layer
/// per scale, then catchments and footprint, and the layers' QGIS styles),
/// `report.md`, `report.json` and `manifest.lock.json`.
public enum SiteOutputs {
  /// Writes the results of `manifest`'s analysis into `folder` (in `crs`), with
  /// `styles` as the GeoPackage's `layer_styles` table.
  /// - Returns: the names of the files written.
  /// - Throws: `GDALError`, `OutputError`, and errors writing the reports.
  public static func write(
    _ results: SiteAnalysis.Results, manifest: SiteManifest, crs: CRS, styles: [LayerStyle] = [],
    to folder: URL
  ) throws -> [String] {
    let gpkg = try VectorWriter(
      path: folder.appendingPathComponent("analysis.gpkg").path, policy: .refuse)
    do {
      for table in results.tables + results.extras { try add(table, to: gpkg, crs: crs) }
      if !styles.isEmpty { try gpkg.addLayerStyles(styles) }
      try gpkg.commit()
    } catch {
      gpkg.discard()
      throw error
    }
    try results.report.markdown().write(
      to: folder.appendingPathComponent("report.md"), atomically: false, encoding: .utf8)
    try results.report.json().write(to: folder.appendingPathComponent("report.json"))
    try lock(manifest: manifest).write(to: folder.appendingPathComponent("manifest.lock.json"))
    return ["analysis.gpkg", "report.md", "report.json", "manifest.lock.json"]
  }

  /// Writes the analysis into a database schema through `writer`
  /// (`PostGISSchemaWriter`): the tables of `analysis.gpkg`, the same rows and
  /// columns, then the scale report as tables (`ReportTables`). The caller
  /// commits.
  /// - Throws: `GDALError` from the writer, and errors encoding the reports.
  public static func writeTables(
    _ results: SiteAnalysis.Results, manifest: SiteManifest, crs: CRS,
    to writer: some FeatureWriting
  ) throws {
    for table in results.tables + results.extras { try add(table, to: writer, crs: crs) }
    try ReportTables.write(results.report, lock: lock(manifest: manifest), to: writer)
  }

  static func add(_ table: ScaleTable, to writer: some FeatureWriting, crs: CRS) throws {
    let layer = try writer.addLayer(
      name: table.name, geometryType: .unknown, hasZ: false, crs: crs, fields: table.fields)
    for (index, row) in table.rows.enumerated() {
      try writer.write(
        Feature(
          id: Int64(index + 1), attributes: row, geometry: try table.geometries.geometry(at: index)),
        toLayer: layer)
    }
  }

  /// The resolved manifest, the inputs' checksums and the tools' versions.
  static func lock(manifest: SiteManifest) throws -> Data {
    let formatter = ISO8601DateFormatter()
    let inputs: [[String: Any]] = try manifest.layers.map { layer in
      let path = LoadedSite.path(of: layer, in: manifest)
      if PostgreSQLConnection.isConnection(path) {
        let facts = try PostGISTableFacts(connection: path, layer: layer.layer)
        return [
          "layer": layer.key, "path": PostgreSQLConnection.masked(layer.path),
          "table": facts.table, "rows": facts.rows, "content-md5": facts.contentChecksum,
          "postgresql": facts.serverVersion, "postgis": facts.postGISVersion,
        ]
      }
      let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
      return [
        "layer": layer.key, "path": layer.path, "bytes": size,
        "sha256": Checksum.sha256(file: path) ?? "unreadable",
      ]
    }
    let layers: [[String: Any]] = manifest.layers.map { layer in
      var entry: [String: Any] = [
        "key": layer.key, "path": PostgreSQLConnection.masked(layer.path),
        "role": layer.role.rawValue,
      ]
      if let name = layer.layer { entry["layer"] = name }
      if let crs = layer.crs { entry["crs"] = crs }
      if let id = layer.id { entry["id"] = id }
      if let date = layer.date { entry["date"] = date }
      if let profile = layer.profile { entry["profile"] = profile.rawValue }
      if let speed = layer.speed { entry["speed"] = speed }
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
      if scale.randomZonings > 0 { entry["zoning_effect"] = ["random": scale.randomZonings] }
      return entry
    }
    let analyses = manifest.analyses
    var resolvedAnalyses: [String: Any] = ["densities": analyses.densities]
    resolvedAnalyses["zonal"] =
      analyses.zonal ?? manifest.layers.filter { $0.role == .raster }.map(\.key)
    resolvedAnalyses["points"] =
      analyses.points ?? manifest.layers.filter { $0.role == .points }.map(\.key)
    if let c = analyses.catchments {
      resolvedAnalyses["catchments"] =
        c.network.map {
          [
            "points": c.points, "network": $0, "minutes": c.minutes, "buffer": c.buffer,
            "units": c.units,
          ]
        } ?? ["points": c.points, "radii": c.radii, "units": c.units]
    }
    if let f = analyses.footprint {
      resolvedAnalyses["footprint"] = [
        "layer": f.layer, "where": "\(f.field) = \(f.value)", "close": f.close,
      ]
    }
    if let c = analyses.change {
      resolvedAnalyses["change"] = [
        "before": c.before,
        "variables": Dictionary(uniqueKeysWithValues: c.pairs.map { ($0.name, $0.before) }),
      ]
    }
    var lock: [String: Any] = [
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
      // Where the site was: layer paths are relative to it (`territory web`
      // finds the elevation model there).
      "folder": URL(fileURLWithPath: manifest.folder).standardizedFileURL.path,
    ]
    if let mapCRS = manifest.mapCRS, var described = lock["manifest"] as? [String: Any] {
      described["map-crs"] = mapCRS
      lock["manifest"] = described
    }
    return try JSONSerialization.data(
      withJSONObject: lock, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
  }
}
