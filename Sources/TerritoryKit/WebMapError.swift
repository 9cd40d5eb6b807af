/// Why a web map could not be made.
public enum WebMapError: Error, Sendable, Equatable, CustomStringConvertible {
  /// MapLibre GL JS is not installed where territory looks for it.
  case mapLibreMissing(looked: [String])
  /// The web page's own files are missing from territory's installation.
  case pageMissing
  /// The folder lacks files every analysis folder holds.
  case notAnAnalysis(folder: String, missing: [String])
  /// A file of the analysis folder is not readable JSON.
  case unreadable(String)
  /// `report.json` lacks the languages and labels (an older analysis).
  case reportWithoutLabels(String)
  /// `report.json` names a scale that `analysis.gpkg` does not hold.
  case scaleMissing(gpkg: String, scale: String)
  /// The site's elevation model is not where the analysis read it.
  case reliefMissing(layer: String, path: String)
  /// The site's elevation model changed since the analysis.
  case reliefChanged(layer: String, path: String, lock: String)

  /// One line that says what to do.
  public var description: String {
    switch self {
    case .mapLibreMissing(let looked):
      return
        "MapLibre GL JS (maplibre-gl.js, maplibre-gl.css) is not in \(looked.joined(separator: " or ")); run Scripts/setup, set TERRITORY_MAPLIBRE to a folder holding them, or leave the web map out with --no-web"
    case .pageMissing:
      return
        "the web map's page (index.html, territory.js, territory.css) is missing beside the territory executable; reinstall territory"
    case .notAnAnalysis(let folder, let missing):
      return
        "\(folder) is not an analysis folder: it has no \(missing.joined(separator: ", ")); give the output folder of 'territory analyze' (out/<site>)"
    case .unreadable(let file):
      return "\(file) is not readable JSON; run 'territory analyze' again to rewrite the analysis"
    case .reportWithoutLabels(let file):
      return
        "\(file) has no languages and labels (an analysis made by an earlier territory); run 'territory analyze' again"
    case .scaleMissing(let gpkg, let scale):
      return
        "\(gpkg) has no layer '\(scale)', a scale of report.json; run 'territory analyze' again"
    case .reliefMissing(let layer, let path):
      return
        "the elevation model '\(layer)' is not at \(path); pass --site with the site folder that holds it, or leave the relief out with --no-relief"
    case .reliefChanged(let layer, let path, let lock):
      return
        "the elevation model '\(layer)' (\(path)) has changed since the analysis (its SHA-256 is not the one in \(lock)); run 'territory analyze' again, or leave the relief out with --no-relief"
    }
  }
}
