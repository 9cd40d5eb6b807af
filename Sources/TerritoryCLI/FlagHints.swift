import ArgumentParser
import TerritoryKit

/// The flag of a command that answers a library error. The library's errors
/// speak of values ("declares no CRS; say which CRS it is in"); the command
/// line adds, at the end of the same line, the flag that gives that value.
protocol FlagHints {
  /// The flag that gives an input layer's CRS (`--source-crs`, `--assume-crs`), if any.
  static var crsFlag: String? { get }
}

enum ErrorHint {
  /// The hint for `error` raised by `command`, or `nil`.
  static func hint(for error: any Error, in command: any ParsableCommand) -> String? {
    let crsFlag = (type(of: command) as? any FlagHints.Type)?.crsFlag
    switch error {
    case OutputError.exists: return "--overwrite replaces it"
    case GDALError.missingCRS: return crsFlag
    case GDALError.singleLayerFormat: return "--layer picks one"
    case ConversionError.geoJSONNeedsWGS84: return "leave out --to-crs"
    case AnalysisError.invalidGeometries: return "--make-valid repairs them"
    case AnalysisError.tooManyCells: return "--max-cells raises the limit"
    case AnalysisError.noVariables: return "--extensive, --intensive, --categorical"
    case AnalysisError.notNumeric where command is ChangeCommand: return nil
    case AnalysisError.notNumeric: return "--categorical takes text"
    case TilesError.zoomRange: return "-Z and -z"
    case TilesError.tooManyTiles: return "-z lowers the highest zoom, --max-tiles raises the limit"
    case TilesError.layerNames, TilesError.duplicateLayer: return "one -l per input"
    case TilesError.noColourTable: return "--color-ramp"
    case MapError.backgroundWithoutCRS: return "--background-crs"
    case MapError.unsuitableCRS: return "--crs"
    case MapError.negativeSizes: return "--size-field"
    case StyleError.tooManyClasses: return "--classes"
    case StyleError.unknownRamp: return "--color-ramp"
    case StyleError.unknownPalette: return "--palette"
    case StyleError.badBreaks: return "--breaks"
    default: return nil
    }
  }
}

extension Convert: FlagHints { static let crsFlag: String? = "--source-crs" }
extension InterpolateCommand: FlagHints { static let crsFlag: String? = "--source-crs" }
extension PointsCommand: FlagHints { static let crsFlag: String? = "--source-crs" }
extension ChangeCommand: FlagHints { static let crsFlag: String? = "--source-crs" }
extension RegionsCommand: FlagHints { static let crsFlag: String? = "--source-crs" }
extension MapCommand: FlagHints { static let crsFlag: String? = "--source-crs" }
extension ZonalCommand: FlagHints { static let crsFlag: String? = "--zones-crs" }
extension TilesCommand: FlagHints { static let crsFlag: String? = "--assume-crs" }
