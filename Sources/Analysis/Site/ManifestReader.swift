import Foundation
import Yams

/// Reads `site.yaml` strictly: YAML syntax errors with their line and column,
/// unknown keys named with the valid ones, missing keys, wrong types, negative
/// cell sizes, paths leaving the site folder, a variable declared twice.
public enum ManifestReader {
  static let topKeys = [
    "name", "title", "languages", "crs", "map-crs", "allow-outside", "layers", "scales",
    "analyses",
  ]
  static let layerKeys = [
    "path", "layer", "crs", "role", "id", "variables", "date", "profile", "speed",
  ]
  static let variableKeys = ["kind", "label", "band"]
  static let scaleKeys = [
    "name", "label", "grid", "hex", "units", "dissolve", "by", "zones", "zoning_effect",
  ]
  static let analysisKeys = ["densities", "zonal", "points", "catchments", "footprint", "change"]

  /// Reads the manifest of the site folder (or `site.yaml` path) `path`.
  /// - Throws: `SiteError` (always that type).
  public static func read(_ path: String) throws -> SiteManifest {
    var isFolder: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
    let file = isFolder.boolValue ? (path as NSString).appendingPathComponent("site.yaml") : path
    guard exists, FileManager.default.fileExists(atPath: file) else {
      throw SiteError(
        path: file, message: "no site manifest here; create one with 'territory site init'")
    }
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
      throw SiteError(path: file, message: "cannot be read as UTF-8 text")
    }
    return try parse(text, path: file)
  }

  /// Parses manifest `text`; `path` is used in messages and to resolve layer paths.
  /// - Throws: `SiteError` (always that type).
  public static func parse(_ text: String, path: String) throws -> SiteManifest {
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: text) else {
        throw SiteError(
          path: path, message: "the manifest is empty; it needs at least name, crs and layers")
      }
      root = node
    } catch let error as SiteError {
      throw error
    } catch let error as YamlError {
      throw syntaxError(error, path: path, text: text)
    } catch {
      throw SiteError(path: path, message: "not valid YAML: \(error)")
    }
    let reader = NodeReader(path: path)
    let top = try reader.mapping(
      root, at: "the manifest", keys: topKeys, required: ["name", "crs", "layers"])
    let folder = (path as NSString).deletingLastPathComponent
    var manifest = SiteManifest(
      name: try reader.string(top["name"]!, at: "name"),
      titles: try top["title"].map { try reader.stringMap($0, at: "title") } ?? [:],
      languages: try top["languages"].map { try reader.strings($0, at: "languages") } ?? [],
      crs: try reader.string(top["crs"]!, at: "crs"),
      allowOutside: try top["allow-outside"].map { try reader.bool($0, at: "allow-outside") }
        ?? false,
      layers: [], scales: [], analyses: AnalysesSpec(), folder: folder.isEmpty ? "." : folder)
    manifest.mapCRS = try top["map-crs"].map { try reader.string($0, at: "map-crs") }
    if manifest.languages.isEmpty { manifest.languages = manifest.titles.keys.sorted() }
    manifest.layers = try LayerReading.layers(top["layers"]!, reader: reader, manifest: manifest)
    manifest.scales =
      try top["scales"].map { try ScaleReading.scales($0, reader: reader, manifest: manifest) }
      ?? []
    manifest.analyses =
      try top["analyses"].map {
        try AnalysisReading.analyses($0, reader: reader, manifest: manifest)
      } ?? AnalysesSpec()
    if manifest.scales.isEmpty, let units = manifest.layers.first(where: { $0.role == .units }) {
      manifest.scales = [ScaleSpec(name: units.key, kind: .units(layer: units.key), labels: [:])]
    }
    return manifest
  }

  private static func syntaxError(_ error: YamlError, path: String, text: String) -> SiteError {
    switch error {
    case .duplicatedKeysInMapping(let duplicates, let context):
      let key = duplicates.sorted().first ?? "?"
      // Name the kinds when the key is a variable declared twice.
      let kinds = text.split(separator: "\n").filter {
        $0.trimmingCharacters(in: .whitespaces).hasPrefix(key + ":")
      }.compactMap { line -> String? in
        guard let range = line.range(of: "kind:") else { return nil }
        return line[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: " ,}"))
          .split(separator: ",").first.map(String.init)
      }
      let detail =
        kinds.count > 1 ? " (\(kinds.joined(separator: " and "))); a variable has one kind" : ""
      return SiteError(
        path: path, line: context.mark.line, column: context.mark.column,
        message: "'\(key)' is declared twice in the same section\(detail); keep one")
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let contextText = context.map { " (\($0.text))" } ?? ""
      return SiteError(
        path: path, line: mark.line, column: mark.column,
        message: "YAML syntax error: \(problem)\(contextText)")
    default:
      return SiteError(path: path, message: "YAML error: \(error)")
    }
  }
}

/// Typed access to YAML nodes, with positions in every error.
struct NodeReader {
  let path: String

  func error(_ node: Node?, _ message: String) -> SiteError {
    SiteError(path: path, line: node?.mark?.line, column: node?.mark?.column, message: message)
  }

  /// A mapping's entries by key, refusing unknown keys and requiring `required`.
  func mapping(_ node: Node, at place: String, keys: [String], required: [String] = []) throws
    -> [String: Node]
  {
    guard case .mapping(let mapping) = node else {
      throw error(node, "\(place) must be a mapping of keys (key: value)")
    }
    var entries: [String: Node] = [:]
    for (key, value) in mapping {
      guard let name = key.string else { throw error(key, "\(place) has a key that is not text") }
      guard keys.contains(name) else {
        throw error(
          key, "unknown key '\(name)' in \(place); valid keys: \(keys.joined(separator: ", "))")
      }
      entries[name] = value
    }
    for key in required where entries[key] == nil {
      throw error(node, "\(place) misses the required key '\(key)'")
    }
    return entries
  }

  /// A mapping whose keys are free names (layers, variables), in order.
  func namedEntries(_ node: Node, at place: String) throws -> [(
    name: String, key: Node, value: Node
  )] {
    guard case .mapping(let mapping) = node else {
      throw error(node, "\(place) must be a mapping of names to descriptions")
    }
    // Yams itself refuses a key given twice (see `ManifestReader.syntaxError`).
    var entries: [(String, Node, Node)] = []
    for (key, value) in mapping {
      guard let name = key.string, !name.isEmpty else {
        throw error(key, "\(place) has an empty name")
      }
      entries.append((name, key, value))
    }
    return entries
  }

  func string(_ node: Node, at place: String) throws -> String {
    guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
      throw error(node, "\(place) must be a text value")
    }
    return scalar.string
  }

  func number(_ node: Node, at place: String) throws -> Double {
    guard case .scalar = node, let value = node.float ?? node.int.map(Double.init), value.isFinite
    else {
      throw error(node, "\(place) must be a number")
    }
    return value
  }

  func bool(_ node: Node, at place: String) throws -> Bool {
    guard let value = node.bool else { throw error(node, "\(place) must be true or false") }
    return value
  }

  func strings(_ node: Node, at place: String) throws -> [String] {
    if case .scalar = node { return [try string(node, at: place)] }
    guard case .sequence(let sequence) = node else { throw error(node, "\(place) must be a list") }
    var values: [String] = []
    for item in sequence { values.append(try string(item, at: place)) }
    return values
  }

  func numbers(_ node: Node, at place: String) throws -> [Double] {
    guard case .sequence(let sequence) = node else {
      throw error(node, "\(place) must be a list of numbers")
    }
    var values: [Double] = []
    for item in sequence { values.append(try number(item, at: place)) }
    return values
  }

  func stringMap(_ node: Node, at place: String) throws -> [String: String] {
    var values: [String: String] = [:]
    for entry in try namedEntries(node, at: place) {
      values[entry.name] = try string(entry.value, at: "\(place).\(entry.name)")
    }
    return values
  }
}
