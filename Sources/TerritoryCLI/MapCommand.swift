import ArgumentParser
import Foundation
import TerritoryKit

/// `territory map INPUT --column FIELD -o OUT.(png|svg|pdf) ...`.
struct MapCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "map",
    abstract:
      "Draw a print-quality choropleth (PDF, SVG or PNG) with legend, scale bar and north arrow.",
    discussion: """
      Palettes (ColorBrewer; * = colour-blind safe): \(Palette.names.map { name in
        (try? Palette(name).colourBlindSafe) == true ? name + "*" : name
      }.joined(separator: " ")). \
      --small-multiples draws the column from several layers of INPUT (every layer, or those \
      named with -l) on one page with one shared classification and one legend.

      Example:
        territory map out/olinda/analysis.gpkg -l grid200 --column V014_density \\
          --palette YlOrRd --title "Olinda" --lang fr -o out/olinda_density.pdf
      """)

  @Argument(help: "The vector file.")
  var input: String

  @Option(name: [.short, .long], help: "The layer (repeat for small multiples).")
  var layer: [String] = []

  @Option(help: "The numeric column to map.")
  var column: String

  @Option(help: "quantiles, equal-interval, natural-breaks, head-tail or manual.")
  var scheme = ClassificationMethod.naturalBreaks

  @Option(help: "The number of classes.")
  var classes = 5

  @Option(help: "Upper bounds for --scheme manual, comma-separated.")
  var breaks: String?

  @Option(help: "A ColorBrewer palette (YlOrRd, Blues, RdBu, Set2, ...).")
  var palette = "YlOrRd"

  @Flag(help: "Reverse the palette.")
  var reverse = false

  @Option(help: "The title.")
  var title: String?

  @Option(help: "The subtitle.")
  var subtitle = ""

  @Option(help: "The credits line.")
  var source = ""

  @Option(help: "The legend heading (default: the column name).")
  var legend: String?

  @Option(help: "fr, en or ar: legend words and number formatting (Arabic right to left).")
  var lang = MapLanguage.en

  @Option(help: "A4, A3, A2 or 16:9.")
  var page = PageSize.a4

  @Flag(help: "Portrait instead of landscape.")
  var portrait = false

  @Option(help: "Resolution of PNG output.")
  var dpi = 300.0

  @Option(help: "Polygons whose outlines are drawn thin over the data (administrative boundaries).")
  var boundaries: String?

  @Option(help: "A field whose values label the features, placed without overlapping.")
  var labels: String?

  @Option(help: "plain, or proportional: points as circles whose area follows --size-field.")
  var symbol = SymbolOption.plain

  @Option(name: .customLong("size-field"), help: "The numeric field sizing proportional circles.")
  var sizeField: String?

  @Option(help: "An elevation raster shaded under the data (hillshade).")
  var background: String?

  @Option(
    name: .customLong("background-crs"),
    help: "The CRS of --background when its own is missing or vague.")
  var backgroundCRS: CRS?

  @Option(
    help: ArgumentHelp(
      "The map's CRS (EPSG:n or n, WKT, PROJ).",
      discussion:
        "By default the layer's projected CRS; for a layer in degrees, the UTM zone it lies in, a Lambert azimuthal equal-area projection centred on a region, or Equal Earth centred on the data for a continent or the world."
    ))
  var crs: CRS?

  @Option(
    name: .customLong("source-crs"),
    help: "Assume the input is in this CRS (for files whose CRS is missing or wrong).")
  var sourceCRS: CRS?

  @Flag(name: .customLong("small-multiples"), help: "One panel per layer, one shared legend.")
  var smallMultiples = false

  @OptionGroup var output: OutputOptions

  @OptionGroup var messages: QuietOption

  func validate() throws {
    guard (1...12).contains(classes) else {
      throw ValidationError("--classes must be between 1 and 12")
    }
    guard (36...1200).contains(dpi) else {
      throw ValidationError("--dpi must be between 36 and 1200")
    }
    if symbol == .proportional && sizeField == nil {
      throw ValidationError("--symbol proportional needs --size-field FIELD")
    }
  }

  func run() throws {
    if !smallMultiples && layer.count > 1 {
      throw CommandError(description: "several -l need --small-multiples")
    }
    var job = MapJob(input: input, column: column, output: output.output)
    job.layers = layer
    job.smallMultiples = smallMultiples
    job.scheme = try scheme.scheme(breaks: breaks)
    job.classes = classes
    job.palette = palette
    job.reversed = reverse
    job.title = title
    job.subtitle = subtitle
    job.source = source
    job.legend = legend
    job.language = lang
    job.page = page
    job.landscape = !portrait
    job.dpi = dpi
    job.boundaries = boundaries
    job.labels = labels
    job.sizeField = symbol == .proportional ? sizeField : nil
    job.background = background
    job.backgroundCRS = backgroundCRS
    job.crs = crs
    job.sourceCRS = sourceCRS
    job.policy = output.policy
    let result = try Tools.map(job)
    for warning in result.warnings {
      FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
    }
    messages.say("projection: \(result.projection.caption) (\(result.projection.reason))")
    messages.say(
      "wrote \(output.output): \(result.panels) panel\(result.panels == 1 ? "" : "s"), \(result.classes) classes (\(scheme.rawValue)), \(result.palette)"
    )
  }
}
