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
    for (index, file) in files.enumerated() {
      let (entry, isOutside, isUnits) = try SiteInitCommand.describe(
        file, folder: folder, index: index)
      text += entry
      outside = outside || isOutside
      if isUnits && unitsKey == nil { unitsKey = SiteInitCommand.key(file, index) }
    }
    if files.isEmpty { text += "  # add layers here: path, role, variables\n" }
    if outside { text += "\nallow-outside: true     # some files are outside the site folder\n" }
    if let unitsKey {
      text += """

        scales:
          - {name: grid200, grid: 200}
          - {name: grid1000, grid: 1000}
          - {name: \(unitsKey), units: \(unitsKey)}

        """
    }
    try Data(text.utf8).write(to: output.stagingPath)
    try output.commit()
    print(
      "wrote \(output.target.path): \(files.count) layer\(files.count == 1 ? "" : "s"); review it, then run 'territory site check \(folder)'"
    )
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
        switch field.type {
        case .integer, .integer64:
          lines.append("      \(field.name): {kind: extensive}      # guessed: a count?")
        case .real: lines.append("      \(field.name): {kind: intensive}      # guessed: a rate?")
        case .string:
          lines.append("      # \(field.name): {kind: categorical}   # a category? uncomment")
        default: break
        }
      }
      let active = lines.contains { !$0.hasPrefix("      #") }
      entry +=
        (active ? "    variables:\n" : "    # variables:\n") + lines.map { $0 + "\n" }.joined()
    }
    return (entry, !inside, role == "units")
  }
}
