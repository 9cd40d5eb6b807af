import ArgumentParser
import Foundation
import TerritoryKit

/// `territory site init DIR --crs CRS [--from FILE ...]`.
struct SiteInitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract:
      "Write a starting site.yaml from the team's files (roles and kinds guessed, marked for review).",
    discussion: """
      Example:
        territory site init mysite --crs EPSG:2154 --from communes.gpkg --from mnt.tif
      """)

  @Argument(help: "The site folder (created if missing).")
  var folder: String

  @Option(help: "The working CRS, projected in metres.")
  var crs: String

  @Option(name: .customLong("from"), help: "A file of the site (repeat for several).")
  var files: [String] = []

  @Flag(help: "Replace an existing site.yaml.")
  var overwrite = false

  func run() throws {
    let working = try CRS(crs)
    guard working.isProjected else { throw AnalysisError.workingCRSNotProjected(crs: crs) }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let output = try StagedOutput(
      path: (folder as NSString).appendingPathComponent("site.yaml"),
      policy: overwrite ? .overwrite : .refuse)
    let name = URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent
    var text = """
      # Starting manifest written by 'territory site init': review every line marked 'guessed'.
      # Reference: Data/sites/README.md
      name: \(name)
      title: {fr: \(name), en: \(name), ar: \(name)}
      languages: [fr, en, ar]
      crs: \(working.epsgCode.map { "EPSG:\($0)" } ?? crs)

      layers:

      """
    var outside = false
    var unitsKey: String?
    var unitsFile: String?
    for (index, file) in files.enumerated() {
      let (entry, isOutside, isUnits) = try SiteInitCommand.describe(
        file, folder: folder, index: index)
      text += entry
      outside = outside || isOutside
      if isUnits && unitsKey == nil {
        unitsKey = SiteInitCommand.key(file, index)
        unitsFile = file
      }
    }
    if files.isEmpty { text += "  # add layers here: path, role, variables\n" }
    if outside { text += "\nallow-outside: true     # some files are outside the site folder\n" }
    if let unitsKey, let unitsFile {
      let extent = try SiteInitCommand.extent(of: unitsFile, in: working)
      text +=
        "\nscales:                    # guessed from the units' extent: the finest about 10^5-10^6 cells\n"
      for size in SiteProposal.ladder(for: extent) {
        let name = size >= 1000 ? "grid\(Int(size / 1000))km" : "grid\(Int(size))m"
        text += "  - {name: \(name), grid: \(Int(size))}\n"
      }
      text += "  - {name: \(unitsKey), units: \(unitsKey)}\n"
    }
    try Data(text.utf8).write(to: output.stagingPath)
    try output.commit()
    print(
      "wrote \(output.target.path): \(files.count) layer\(files.count == 1 ? "" : "s"); review it, then run 'territory site check \(folder)'"
    )
  }

  /// The extent of a file's first layer in the working CRS; a layer without a
  /// CRS is taken as degrees when its numbers fit, else as the working CRS.
  static func extent(of file: String, in working: CRS) throws -> Envelope {
    let layer = try VectorDataset(path: file).layer(at: 0)
    guard let box = layer.extent else { throw GDALError.emptyLayer(path: file, layer: layer.name) }
    let degrees =
      abs(box.minX) <= 180 && abs(box.maxX) <= 180 && abs(box.minY) <= 90 && abs(box.maxY) <= 90
    guard let crs = try layer.crs ?? (degrees ? CRS.wgs84 : nil) else { return box }
    return try Transformer.unlessEquivalent(from: crs, to: working)?.transformBounds(box) ?? box
  }

  static func key(_ file: String, _ index: Int) -> String {
    let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    let cleaned = String(stem.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    return cleaned.isEmpty ? "layer\(index + 1)" : cleaned
  }

  /// A layer entry for `file`, whether it lies outside `folder`, whether it holds units.
  static func describe(_ file: String, folder: String, index: Int) throws -> (String, Bool, Bool) {
    let folderURL = URL(fileURLWithPath: folder).standardizedFileURL
    let fileURL = URL(fileURLWithPath: file).standardizedFileURL
    let inside = fileURL.path.hasPrefix(folderURL.path + "/")
    let path = inside ? String(fileURL.path.dropFirst(folderURL.path.count + 1)) : fileURL.path
    let key = key(file, index)
    let summary = try DatasetSummary(path: file)
    var entry = "  \(key):\n    path: \(path)\n"
    if summary.kind == "raster" {
      if summary.crs?.epsg == nil {
        entry += "    crs: EPSG:????           # the file's CRS has no EPSG code: say which\n"
      }
      entry += "    role: raster             # guessed\n    variables:\n"
      entry += "      value: {kind: continuous, band: 1}   # guessed: name it\n"
      return (entry, !inside, false)
    }
    guard let layer = summary.layers?.first else { return (entry, !inside, false) }
    if (summary.layers?.count ?? 0) > 1 { entry += "    layer: \(layer.name)\n" }
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
        switch SiteProposal.guess(name: field.name, type: field.type) {
        case .count:
          lines.append("      \(field.name): {kind: extensive}      # guessed: a count?")
        case .rate: lines.append("      \(field.name): {kind: intensive}      # guessed: a rate?")
        case .category:
          lines.append("      # \(field.name): {kind: categorical}   # a category? uncomment")
        case .identifier:
          lines.append("      # \(field.name): an identifier or coordinate, not a variable")
        case .measure:
          lines.append("      # \(field.name): a measure of the geometry, not a variable")
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
