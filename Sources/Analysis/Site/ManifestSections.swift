import Foundation
import GDALKit
import Yams

/// Reads the `layers` section.
enum LayerReading {
  static func layers(_ node: Node, reader: NodeReader, manifest: SiteManifest) throws -> [LayerSpec]
  {
    var layers: [LayerSpec] = []
    for entry in try reader.namedEntries(node, at: "layers") {
      let place = "layers.\(entry.name)"
      let fields = try reader.mapping(
        entry.value, at: place, keys: ManifestReader.layerKeys, required: ["path", "role"])
      let path = try reader.string(fields["path"]!, at: "\(place).path")
      try checkInside(path, node: fields["path"]!, manifest: manifest, reader: reader)
      let roleText = try reader.string(fields["role"]!, at: "\(place).role")
      guard let role = LayerRole(rawValue: roleText) else {
        throw reader.error(
          fields["role"],
          "\(place).role '\(roleText)' is not a role; use one of \(LayerRole.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      var profile: StreetProfile?
      if let node = fields["profile"] {
        let text = try reader.string(node, at: "\(place).profile")
        guard role == .network, let known = StreetProfile(rawValue: text) else {
          throw reader.error(
            node,
            role == .network
              ? "\(place).profile '\(text)' is not a profile; use walk, bike or car"
              : "\(place).profile belongs to a layer with role network; this one is \(role.rawValue)"
          )
        }
        profile = known
      } else if role == .network {
        throw reader.error(
          entry.value, "\(place) has role network but no profile; add profile: walk, bike or car")
      }
      var speed: Double?
      if let node = fields["speed"] {
        let value = try reader.number(node, at: "\(place).speed")
        guard role == .network, value > 0, value <= 300 else {
          throw reader.error(
            node,
            role == .network
              ? "\(place).speed must be a speed in km/h above 0 and at most 300"
              : "\(place).speed belongs to a layer with role network; this one is \(role.rawValue)")
        }
        speed = value
      }
      var variables: [VariableSpec] = []
      // `variables:` left empty (every entry commented out) declares none.
      if let node = fields["variables"], !node.isEmptyScalar {
        variables = try self.variables(node, at: "\(place).variables", reader: reader)
      }
      layers.append(
        LayerSpec(
          key: entry.name, path: path,
          layer: try fields["layer"].map { try reader.string($0, at: "\(place).layer") },
          crs: try fields["crs"].map { try reader.string($0, at: "\(place).crs") }, role: role,
          id: try fields["id"].map { try reader.string($0, at: "\(place).id") },
          variables: variables,
          date: try fields["date"].map { try reader.string($0, at: "\(place).date") },
          profile: profile, speed: speed))
    }
    if layers.isEmpty { throw reader.error(node, "layers is empty; declare at least one layer") }
    return layers
  }

  private static func variables(_ node: Node, at place: String, reader: NodeReader) throws
    -> [VariableSpec]
  {
    guard case .mapping(let mapping) = node else {
      throw reader.error(node, "\(place) must be a mapping of field names to {kind, label}")
    }
    var variables: [VariableSpec] = []
    for (key, value) in mapping {
      guard let name = key.string, !name.isEmpty else {
        throw reader.error(key, "\(place) has an empty name")
      }
      let fields = try reader.mapping(
        value, at: "\(place).\(name)", keys: ManifestReader.variableKeys, required: ["kind"])
      let kindText = try reader.string(fields["kind"]!, at: "\(place).\(name).kind")
      guard let kind = VariableKind(rawValue: kindText) else {
        throw reader.error(
          fields["kind"],
          "\(place).\(name).kind '\(kindText)' is not a kind; use one of \(VariableKind.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      let band = try fields["band"].map { try reader.number($0, at: "\(place).\(name).band") } ?? 1
      guard band >= 1, band == band.rounded() else {
        throw reader.error(fields["band"], "\(place).\(name).band must be a band number from 1")
      }
      variables.append(
        VariableSpec(
          name: name, kind: kind,
          labels: try fields["label"].map { try reader.stringMap($0, at: "\(place).\(name).label") }
            ?? [:],
          band: Int(band)))
    }
    return variables
  }

  /// Refuses paths that leave the site folder unless the manifest allows it.
  private static func checkInside(
    _ path: String, node: Node, manifest: SiteManifest, reader: NodeReader
  ) throws {
    guard !manifest.allowOutside, !PostgreSQLConnection.isConnection(path) else { return }
    let folder = URL(fileURLWithPath: manifest.folder).standardizedFileURL.path
    let full = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: folder + "/"))
      .standardizedFileURL.path
    guard full.hasPrefix(folder + "/") else {
      throw reader.error(
        node,
        "the path '\(path)' leaves the site folder; copy the file into the site, or add 'allow-outside: true'"
      )
    }
  }
}

/// Reads the `scales` section.
enum ScaleReading {
  static func scales(_ node: Node, reader: NodeReader, manifest: SiteManifest) throws -> [ScaleSpec]
  {
    guard case .sequence(let sequence) = node else {
      throw reader.error(node, "scales must be a list, e.g. '- {name: grid200, grid: 200}'")
    }
    var scales: [ScaleSpec] = []
    for item in sequence {
      let fields = try reader.mapping(
        item, at: "a scale", keys: ManifestReader.scaleKeys, required: ["name"])
      let name = try reader.string(fields["name"]!, at: "scales.name")
      let place = "scale '\(name)'"
      let kinds = ["grid", "hex", "units", "dissolve", "zones"].filter { fields[$0] != nil }
      guard kinds.count == 1 else {
        throw reader.error(item, "\(place) needs exactly one of grid, hex, units, dissolve, zones")
      }
      func layerName(_ key: String, roles: [LayerRole]) throws -> String {
        let layer = try reader.string(fields[key]!, at: "\(place).\(key)")
        guard let found = manifest.layer(layer), roles.contains(found.role) else {
          throw reader.error(
            fields[key],
            "\(place): '\(layer)' is not a layer with role \(roles.map(\.rawValue).joined(separator: " or ")); the layers are \(manifest.layers.map(\.key).joined(separator: ", "))"
          )
        }
        return layer
      }
      let kind: ScaleSpec.Kind
      switch kinds[0] {
      case "grid", "hex":
        let cell = try reader.number(fields[kinds[0]]!, at: "\(place).\(kinds[0])")
        guard cell > 0 else {
          throw reader.error(
            fields[kinds[0]],
            "\(place): the cell size must be a positive number of metres, not \(cell)")
        }
        kind = .grid(hexagonal: kinds[0] == "hex", cell: cell)
      case "units": kind = .units(layer: try layerName("units", roles: [.units]))
      case "dissolve":
        kind = .dissolve(
          layer: try layerName("dissolve", roles: [.units]),
          field: try fields["by"].map { try reader.string($0, at: "\(place).by") })
      default: kind = .zones(layer: try layerName("zones", roles: [.zones, .units]))
      }
      if scales.contains(where: { $0.name == name }) {
        throw reader.error(fields["name"], "two scales are called '\(name)'; names must differ")
      }
      var scale = ScaleSpec(
        name: name, kind: kind,
        labels: try fields["label"].map { try reader.stringMap($0, at: "\(place).label") } ?? [:])
      if let node = fields["zoning_effect"] {
        if case .grid = kind {
          throw reader.error(
            node,
            "\(place): zoning_effect is for units, dissolve and zones scales; a square grid's zoning effect is measured by shifting it"
          )
        }
        let entry = try reader.mapping(
          node, at: "\(place).zoning_effect", keys: ["random"], required: ["random"])
        let count = try reader.number(entry["random"]!, at: "\(place).zoning_effect.random")
        guard count >= 1, count <= 9_999, count == count.rounded() else {
          throw reader.error(
            entry["random"],
            "\(place).zoning_effect.random must be a whole number of zonings from 1 to 9999, not \(count)"
          )
        }
        scale.randomZonings = Int(count)
      }
      scales.append(scale)
    }
    return scales
  }
}

/// Reads the `analyses` section.
enum AnalysisReading {
  /// `analyses.catchments`: circles (`radii`), or areas along a network
  /// (`network` and `minutes`, with an optional `buffer`).
  static func catchments(_ node: Node, reader: NodeReader, manifest: SiteManifest) throws
    -> CatchmentSpec
  {
    let place = "analyses.catchments"
    let entry = try reader.mapping(
      node, at: place, keys: ["points", "radii", "units", "network", "minutes", "buffer"],
      required: ["points", "units"])
    var spec = CatchmentSpec(
      points: try reader.string(entry["points"]!, at: "\(place).points"), radii: [],
      units: try reader.string(entry["units"]!, at: "\(place).units"))
    guard let network = entry["network"] else {
      guard let node = entry["radii"] else {
        throw reader.error(
          node, "\(place) needs radii (circles, metres) or network and minutes (along the streets)")
      }
      spec.radii = try reader.numbers(node, at: "\(place).radii")
      guard !spec.radii.isEmpty, spec.radii.allSatisfy({ $0 > 0 }) else {
        throw reader.error(node, "\(place).radii must be positive distances in metres")
      }
      for key in ["minutes", "buffer"] where entry[key] != nil {
        throw reader.error(entry[key], "\(place).\(key) goes with network; give a network layer")
      }
      return spec
    }
    let key = try reader.string(network, at: "\(place).network")
    guard manifest.layer(key)?.role == .network else {
      let networks = manifest.layers.filter { $0.role == .network }.map(\.key)
      throw reader.error(
        network,
        "\(place).network: '\(key)' is not a layer with role network; "
          + (networks.isEmpty
            ? "declare one (path: an .osm.pbf file, role: network, profile: walk)"
            : "the network layers are \(networks.joined(separator: ", "))"))
    }
    if entry["radii"] != nil {
      throw reader.error(entry["radii"], "\(place) takes radii or network and minutes, not both")
    }
    guard let minutes = entry["minutes"] else {
      throw reader.error(node, "\(place) has a network but no minutes; add minutes: [5, 10, 15]")
    }
    spec.network = key
    spec.minutes = try reader.numbers(minutes, at: "\(place).minutes")
    guard !spec.minutes.isEmpty, spec.minutes.allSatisfy({ $0 > 0 && $0 <= 240 }) else {
      throw reader.error(minutes, "\(place).minutes must be times above 0 and at most 240 minutes")
    }
    if let node = entry["buffer"] {
      spec.buffer = try reader.number(node, at: "\(place).buffer")
      guard spec.buffer > 0, spec.buffer <= 1000 else {
        throw reader.error(node, "\(place).buffer must be a distance above 0 and at most 1000 m")
      }
    }
    return spec
  }

  static func analyses(_ node: Node, reader: NodeReader, manifest: SiteManifest) throws
    -> AnalysesSpec
  {
    let fields = try reader.mapping(node, at: "analyses", keys: ManifestReader.analysisKeys)
    var spec = AnalysesSpec()
    func layers(_ key: String, role: LayerRole) throws -> [String] {
      let names = try reader.strings(fields[key]!, at: "analyses.\(key)")
      for name in names where manifest.layer(name)?.role != role {
        throw reader.error(
          fields[key], "analyses.\(key): '\(name)' is not a \(role.rawValue) layer")
      }
      return names
    }
    if let node = fields["densities"] {
      spec.densities = try reader.bool(node, at: "analyses.densities")
    }
    if fields["zonal"] != nil { spec.zonal = try layers("zonal", role: .raster) }
    if fields["points"] != nil { spec.points = try layers("points", role: .points) }
    if let node = fields["catchments"] {
      spec.catchments = try catchments(node, reader: reader, manifest: manifest)
    }
    if let node = fields["footprint"] {
      let entry = try reader.mapping(
        node, at: "analyses.footprint", keys: ["layer", "where", "close"],
        required: ["layer", "where"])
      let condition = try reader.string(entry["where"]!, at: "analyses.footprint.where")
      let parts = condition.split(separator: "=", maxSplits: 1).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw reader.error(
          entry["where"], "analyses.footprint.where must read FIELD = VALUE, e.g. 'TIPO = URBANO'")
      }
      spec.footprint = FootprintSpec(
        layer: try reader.string(entry["layer"]!, at: "analyses.footprint.layer"), field: parts[0],
        value: parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "'\"")),
        close: try entry["close"].map { try reader.number($0, at: "analyses.footprint.close") } ?? 0
      )
    }
    if let node = fields["change"] {
      spec.change = try change(node, reader: reader, manifest: manifest)
    }
    return spec
  }

  /// `change: {before: LAYER, variables: {COUNT: FIELD, ...}}`: each count of the
  /// first units layer and the field of the earlier units layer it is compared with.
  private static func change(_ node: Node, reader: NodeReader, manifest: SiteManifest) throws
    -> ChangeSpec
  {
    let entry = try reader.mapping(
      node, at: "analyses.change", keys: ["before", "variables"], required: ["before", "variables"])
    let before = try reader.string(entry["before"]!, at: "analyses.change.before")
    let first = manifest.layers.first { $0.role == .units }
    guard let layer = manifest.layer(before), layer.role == .units, layer.key != first?.key else {
      throw reader.error(
        entry["before"],
        "analyses.change.before: '\(before)' must be a units layer other than the first ('\(first?.key ?? "none")'), the earlier date's units"
      )
    }
    let variables = try reader.stringMap(entry["variables"]!, at: "analyses.change.variables")
    let counts = Set(first?.variables.filter { $0.kind == .extensive }.map(\.name) ?? [])
    var pairs: [(name: String, before: String)] = []
    for (name, field) in variables.sorted(by: { $0.key < $1.key }) {
      guard counts.contains(name) else {
        throw reader.error(
          entry["variables"],
          "analyses.change.variables: '\(name)' is not a count (extensive variable) of '\(first?.key ?? "")'; its counts are \(counts.sorted().joined(separator: ", "))"
        )
      }
      pairs.append((name, field))
    }
    guard !pairs.isEmpty else {
      throw reader.error(entry["variables"], "analyses.change.variables names no count")
    }
    return ChangeSpec(before: before, pairs: pairs)
  }
}

extension Node {
  /// Whether the node is an empty or null scalar (`key:` with nothing after it).
  var isEmptyScalar: Bool {
    guard case .scalar(let scalar) = self else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }
}
