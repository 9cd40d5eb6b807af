import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// The vector layers of a site as its check read them, their geometries in the
/// working CRS: `analyze` reads each layer once, in the check, and loads the site
/// from these.
///
/// Not `Sendable` (GEOS geometries). Holds the features of the units, of the
/// layers that serve as scales and of the point layers, until the site is loaded.
public final class SiteLayers {
  /// One layer as read.
  final class Layer {
    /// The layer's name in its file.
    let name: String
    /// Its fields.
    let fields: [Field]
    /// The CRS it was read in (declared, or given in the manifest).
    let crs: CRS
    /// What the file says about itself that does not add up.
    let warnings: [String]
    /// Every feature, geometry in the working CRS (point layers keep none).
    var features: [Feature] = []
    /// For a point layer: every point placed in the working CRS.
    var points: [SIMD2<Double>] = []
    /// For a point layer: the points that cannot be placed there.
    var unplaceable = 0

    init(name: String, fields: [Field], crs: CRS, warnings: [String]) {
      self.name = name
      self.fields = fields
      self.crs = crs
      self.warnings = warnings
    }
  }

  var layers: [String: Layer] = [:]

  init() {}

  /// The layer of the manifest key `key`, if the check read it.
  subscript(key: String) -> Layer? { layers[key] }

  /// Whether the check keeps the features of `spec`: the units, the layers the
  /// scales and the footprint use, and the point layers.
  static func keeps(_ spec: LayerSpec, in manifest: SiteManifest) -> Bool {
    if spec.role == .units || spec.role == .points { return true }
    if manifest.analyses.catchments?.points == spec.key { return true }
    return manifest.scales.contains { scale in
      switch scale.kind {
      case .units(let key), .zones(let key), .dissolve(let key, _): return key == spec.key
      case .grid: return false
      }
    }
  }
}
