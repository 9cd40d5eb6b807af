/// A workshop site as described by its `site.yaml`: its name and titles, the
/// working CRS, its layers with their roles and variables, the ladder of scales
/// and the analyses to run.
public struct SiteManifest: Sendable, Equatable {
  /// The site's short name (`olinda`), used for the output folder.
  public var name: String
  /// A title per language code (`fr`, `en`, `ar`, ...).
  public var titles: [String: String]
  /// The languages in the team's order; the first one titles the maps.
  public var languages: [String]
  /// The working CRS: projected, in metres.
  public var crs: String
  /// The CRS the maps are drawn in (`map-crs`); the working CRS when `nil`.
  public var mapCRS: String?
  /// Whether layer paths may leave the site folder.
  public var allowOutside: Bool
  /// The layers, in manifest order.
  public var layers: [LayerSpec]
  /// The scales, from fine to coarse as the team lists them.
  public var scales: [ScaleSpec]
  /// The analyses to run.
  public var analyses: AnalysesSpec
  /// The folder holding `site.yaml` (paths are relative to it).
  public var folder: String

  /// The layer called `key`.
  public func layer(_ key: String) -> LayerSpec? { layers.first { $0.key == key } }
}

/// What a layer is for.
public enum LayerRole: String, Sendable, CaseIterable {
  /// Administrative units with variables (counts, rates, categories).
  case units
  /// Points to count (stations, schools).
  case points
  /// Lines (roads, rivers), shown on maps.
  case lines
  /// A raster with continuous variables (elevation).
  case raster
  /// Where the values really are (built-up areas): a dasymetric mask.
  case mask
  /// Zones drawn by the team (a valley, a corridor).
  case zones
  /// A street network: an OpenStreetMap extract (`.osm.pbf`, `.osm`) read with
  /// a profile (walk, bike, car), for travel times and catchments along the streets.
  case network
}

/// How a variable behaves under aggregation.
public enum VariableKind: String, Sendable, CaseIterable {
  /// Counts: split by area, totals kept.
  case extensive
  /// Rates, densities, shares: area-weighted means.
  case intensive
  /// Categories: shares of area.
  case categorical
  /// A raster's values: zonal statistics.
  case continuous
}

/// One variable of a layer.
public struct VariableSpec: Sendable, Equatable {
  /// The field name (or, for rasters, the name given to the band).
  public var name: String
  /// How it aggregates.
  public var kind: VariableKind
  /// A label per language.
  public var labels: [String: String]
  /// The raster band (1-based), for rasters.
  public var band: Int

  /// The label in `language`, else in English, else the name.
  public func label(_ language: String) -> String { labels[language] ?? labels["en"] ?? name }
}

/// One layer of the site.
public struct LayerSpec: Sendable, Equatable {
  /// The key naming the layer in the manifest (`tracts`).
  public var key: String
  /// The path, relative to the site folder.
  public var path: String
  /// The layer inside the file, when it has several.
  public var layer: String?
  /// A CRS overriding the file's (for files whose CRS is missing or vague).
  public var crs: String?
  /// What the layer is for.
  public var role: LayerRole
  /// The field identifying features.
  public var id: String?
  /// Its variables.
  public var variables: [VariableSpec]
  /// The date the layer describes (`2010`), for a territory seen at two dates.
  public var date: String? = nil
  /// For a `network` layer: who travels on it.
  public var profile: StreetProfile? = nil
  /// For a `network` layer: a speed (km/h) replacing the profile's.
  public var speed: Double? = nil
}

/// One rung of the ladder of scales.
public struct ScaleSpec: Sendable, Equatable {
  /// How the targets of the scale are made.
  public enum Kind: Sendable, Equatable {
    /// A square or hexagonal grid of this cell size (metres).
    case grid(hexagonal: Bool, cell: Double)
    /// The units of a layer themselves.
    case units(layer: String)
    /// The units of a layer dissolved by a field (all of them when `field` is nil).
    case dissolve(layer: String, field: String?)
    /// A zones layer.
    case zones(layer: String)
  }

  /// The scale's name (`grid100`, `neighbourhoods`), used for layers and files.
  public var name: String
  /// How the targets are made.
  public var kind: Kind
  /// A label per language.
  public var labels: [String: String]
  /// Random contiguous zonings of the units with as many zones as this scale
  /// (`zoning_effect: {random: N}`), against which its statistics are placed.
  public var randomZonings = 0
}

/// Which analyses to run; absent sections get the defaults.
public struct AnalysesSpec: Sendable, Equatable {
  /// Densities per km² of every extensive variable (default on).
  public var densities = true
  /// Raster layers whose zonal statistics (mean) are computed at every scale
  /// (default: every raster layer).
  public var zonal: [String]?
  /// Points layers counted at every scale (default: every points layer).
  public var points: [String]?
  /// Catchments around points.
  public var catchments: CatchmentSpec?
  /// The urban footprint.
  public var footprint: FootprintSpec?
  /// What changed since an earlier date.
  public var change: ChangeSpec?

  /// The defaults.
  public init() {}
}

/// The change of the units' counts since an earlier date, whose units were
/// drawn differently: both dates are interpolated onto every scale.
public struct ChangeSpec: Sendable, Equatable {
  /// The earlier date's units layer.
  public var before: String
  /// Each count of the (first) units layer, and the field of the earlier layer it is compared with.
  public var pairs: [(name: String, before: String)]

  /// The change of `pairs` since the layer `before`.
  public init(before: String, pairs: [(name: String, before: String)]) {
    self.before = before
    self.pairs = pairs
  }

  /// Equal when the layer and the pairs are.
  public static func == (a: ChangeSpec, b: ChangeSpec) -> Bool {
    a.before == b.before && a.pairs.map(\.name) == b.pairs.map(\.name)
      && a.pairs.map(\.before) == b.pairs.map(\.before)
  }
}

/// Catchments around the points of a layer, with the counts of a units layer:
/// circles of several radii, or, with a `network` layer, the areas reached
/// along the streets within several minutes (and then the minutes to the
/// nearest point at every scale).
public struct CatchmentSpec: Sendable, Equatable {
  /// The points layer.
  public var points: String
  /// The radii in metres (circles; empty with `network`).
  public var radii: [Double]
  /// The units layer whose counts are interpolated.
  public var units: String
  /// The `network` layer the areas follow (`nil`: circles).
  public var network: String? = nil
  /// The minutes of travel on the network.
  public var minutes: [Double] = []
  /// The buffer (metres) around the reached streets.
  public var buffer = 50.0
}

/// The union of the units selected by `field = value`, optionally closed by `close` metres.
public struct FootprintSpec: Sendable, Equatable {
  /// The units layer.
  public var layer: String
  /// The field tested.
  public var field: String
  /// The value selecting units.
  public var value: String
  /// Closing distance in metres (0: none).
  public var close: Double
}
