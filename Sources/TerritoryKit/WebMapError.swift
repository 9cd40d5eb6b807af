/// Why a web map could not be made.
public enum WebMapError: Error, Sendable, Equatable, CustomStringConvertible {
  /// MapLibre GL JS is not installed where territory looks for it.
  case mapLibreMissing(looked: [String])
  /// The web page's own files are missing from territory's installation.
  case pageMissing

  /// One line that says what to do.
  public var description: String {
    switch self {
    case .mapLibreMissing(let looked):
      return
        "MapLibre GL JS (maplibre-gl.js, maplibre-gl.css) is not in \(looked.joined(separator: " or ")); run Scripts/setup, set TERRITORY_MAPLIBRE to a folder holding them, or leave the web map out with --no-web"
    case .pageMissing:
      return
        "the web map's page (index.html, territory.js, territory.css) is missing beside the territory executable; reinstall territory"
    }
  }
}
