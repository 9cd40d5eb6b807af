import Foundation
import GDALKit
import GeoCore
import PROJKit
import Yams

/// A starting `site.yaml` for a team's files, as `territory site init` writes it:
/// roles and variable kinds guessed (`SiteProposal`) and marked for review, and a
/// grid ladder from the units' extent.
///
/// The review marks are YAML comments, which Yams does not emit; the text is
/// therefore written line by line, every scalar (names, paths, CRS) quoted by
/// Yams, and the whole parsed back by Yams before it is returned.
public struct SiteDraft: Sendable {
  /// The manifest's text.
  public var text: String
  /// The number of layers it declares.
  public var layers: Int

  /// Drafts the manifest of the site in `folder`, working CRS `definition`
  /// (EPSG code, WKT or PROJ string), from `files`.
  /// - Throws: `PROJError` for a CRS PROJ does not know,
  ///   `AnalysisError.workingCRSNotProjected`, `GDALError` for files that cannot
  ///   be read, `SiteError` if the draft does not parse.
  public static func make(folder: String, crs definition: String, files: [String]) throws
    -> SiteDraft
  {
    let crs = try CRS(definition)
    guard crs.isProjected else { throw AnalysisError.workingCRSNotProjected(crs: definition) }
    let name = URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent
    let quotedName = try scalar(name)
    var text = """
      # Starting manifest written by 'territory site init': review every line marked 'guessed'.
      # Reference: Data/sites/README.md
      name: \(quotedName)
      title: {fr: \(quotedName), en: \(quotedName), ar: \(quotedName)}
      languages: [fr, en, ar]
      crs: \(try scalar(crs.epsgCode.map { "EPSG:\($0)" } ?? definition))

      layers:

      """
    var outside = false
    var units: (key: String, file: String)?
    for (index, file) in files.enumerated() {
      let entry = try layerEntry(file, folder: folder, index: index)
      text += entry.text
      outside = outside || entry.outside
      if entry.isUnits && units == nil { units = (key(file, index), file) }
    }
    if files.isEmpty { text += "  # add layers here: path, role, variables\n" }
    if outside { text += "\nallow-outside: true     # some files are outside the site folder\n" }
    if let units {
      let extent = try unitsExtent(of: units.file, in: crs)
      text +=
        "\nscales:                    # guessed from the units' extent: the finest about 10^5-10^6 cells\n"
      for size in SiteProposal.ladder(for: extent) {
        let scale = size >= 1000 ? "grid\(Int(size / 1000))km" : "grid\(Int(size))m"
        text += "  - {name: \(scale), grid: \(Int(size))}\n"
      }
      text += "  - {name: \(units.key), units: \(units.key)}\n"
    }
    // The draft must read back as YAML.
    do {
      _ = try Yams.compose(yaml: text)
    } catch {
      throw SiteError(
        path: (folder as NSString).appendingPathComponent("site.yaml"),
        message: "the draft is not valid YAML (\(error)); please report this")
    }
    return SiteDraft(text: text, layers: files.count)
  }

  /// `value` as one YAML scalar, quoted when it needs to be.
  static func scalar(_ value: String) throws -> String {
    try Yams.serialize(node: Node(value)).trimmingCharacters(in: .newlines)
      .replacingOccurrences(of: "\n...", with: "")
  }

  /// The extent of a file's first layer in the working CRS; a layer without a
  /// CRS is taken as degrees when its numbers fit, else as the working CRS.
  static func unitsExtent(of file: String, in working: CRS) throws -> Envelope {
    let layer = try LayerSource(path: file).open()
    guard let box = layer.layer.extent else {
      throw GDALError.emptyLayer(path: file, layer: layer.name)
    }
    let degrees =
      abs(box.minX) <= 180 && abs(box.maxX) <= 180 && abs(box.minY) <= 90 && abs(box.maxY) <= 90
    guard let crs = try layer.crs ?? (degrees ? CRS.wgs84 : nil) else { return box }
    return try Transformer.unlessEquivalent(from: crs, to: working)?.transformBounds(box) ?? box
  }

  /// The manifest key of a file: its name without extension, letters and digits only.
  static func key(_ file: String, _ index: Int) -> String {
    let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    let cleaned = String(stem.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    return cleaned.isEmpty ? "layer\(index + 1)" : cleaned
  }

  /// A layer entry for `file`, whether it lies outside `folder`, whether it holds units.
  static func layerEntry(_ file: String, folder: String, index: Int) throws -> (
    text: String, outside: Bool, isUnits: Bool
  ) {
    let folderURL = URL(fileURLWithPath: folder).standardizedFileURL
    let fileURL = URL(fileURLWithPath: file).standardizedFileURL
    let inside = fileURL.path.hasPrefix(folderURL.path + "/")
    let path = inside ? String(fileURL.path.dropFirst(folderURL.path.count + 1)) : fileURL.path
    let summary = try DatasetSummary(path: file)
    var entry = "  \(key(file, index)):\n    path: \(try scalar(path))\n"
    if summary.kind == "raster" {
      if summary.crs?.epsg == nil {
        entry += "    crs: EPSG:????           # the file's CRS has no EPSG code: say which\n"
      }
      entry += "    role: raster             # guessed\n    variables:\n"
      entry += "      value: {kind: continuous, band: 1}   # guessed: name it\n"
      return (entry, !inside, false)
    }
    guard let layer = summary.layers?.first else { return (entry, !inside, false) }
    if (summary.layers?.count ?? 0) > 1 { entry += "    layer: \(try scalar(layer.name))\n" }
    if layer.crs?.epsg == nil {
      entry +=
        "    crs: EPSG:????           # '\(layer.crs?.name ?? "no CRS")' has no EPSG code: say which\n"
    }
    let role: String
    switch layer.geometryType {
    case let type where type.hasPrefix("Point") || type.hasPrefix("MultiPoint"): role = "points"
    case let type where type.contains("LineString"): role = "lines"
    default: role = "units"
    }
    entry += "    role: \(role)               # guessed\n"
    if role == "units" || role == "points" {
      var lines: [String] = []
      for field in layer.fields {
        let name = try scalar(field.name)
        switch SiteProposal.guess(name: field.name, type: field.type) {
        case .count: lines.append("      \(name): {kind: extensive}      # guessed: a count?")
        case .rate: lines.append("      \(name): {kind: intensive}      # guessed: a rate?")
        case .category:
          lines.append("      # \(name): {kind: categorical}   # a category? uncomment")
        case .identifier:
          lines.append("      # \(name): an identifier or coordinate, not a variable")
        case .measure:
          lines.append("      # \(name): a measure of the geometry, not a variable")
        case .other: break
        }
      }
      let active = lines.contains { !$0.hasPrefix("      #") }
      entry +=
        (active ? "    variables:\n" : "    # variables:\n") + lines.map { $0 + "\n" }.joined()
    }
    return (entry, !inside, role == "units")
  }
}
