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
      }.joined(separator: " ")).
      --small-multiples draws the column from several layers of INPUT (every layer, or those
      named with -l) on one page with one shared classification and one legend.

      Example:
        territory map out/olinda/analysis.gpkg -l grid200 --column V014_density --palette YlOrRd \\
          --title "Olinda" --lang fr -o out/olinda_density.pdf
      """)

  @Argument(help: "The vector file.")
  var input: String

  @Option(name: [.short, .long], help: "The layer (repeat for small multiples).")
  var layer: [String] = []

  @Option(help: "The numeric column to map.")
  var column: String

  @Option(help: "quantiles, equal-interval, natural-breaks, head-tail or manual.")
  var scheme = "natural-breaks"

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
  var lang = "en"

  @Option(help: "A4, A3, A2 or 16:9.")
  var page = "A4"

  @Flag(help: "Portrait instead of landscape.")
  var portrait = false

  @Option(help: "Resolution of PNG output.")
  var dpi = 300.0

  @Option(help: "Polygons whose outlines are drawn thin over the data (administrative boundaries).")
  var boundaries: String?

  @Option(help: "A field whose values label the features, placed without overlapping.")
  var labels: String?

  @Option(help: "plain, or proportional: points as circles whose area follows --size-field.")
  var symbol = "plain"

  @Option(name: .customLong("size-field"), help: "The numeric field sizing proportional circles.")
  var sizeField: String?

  @Option(help: "An elevation raster shaded under the data (hillshade).")
  var background: String?

  @Option(
    name: .customLong("background-crs"),
    help: "The CRS of --background when its own is missing or vague.")
  var backgroundCRS: String?

  @Flag(name: .customLong("small-multiples"), help: "One panel per layer, one shared legend.")
  var smallMultiples = false

  @Option(name: [.short, .long], help: "The output: .pdf, .svg or .png.")
  var output: String

  @Flag(help: "Replace the output if it exists.")
  var overwrite = false

  func validate() throws {
    guard (1...12).contains(classes) else {
      throw ValidationError("--classes must be between 1 and 12")
    }
    guard (36...1200).contains(dpi) else {
      throw ValidationError("--dpi must be between 36 and 1200")
    }
    guard symbol == "plain" || symbol == "proportional" else {
      throw ValidationError("--symbol must be plain or proportional")
    }
    if symbol == "proportional" && sizeField == nil {
      throw ValidationError("--symbol proportional needs --size-field FIELD")
    }
  }

  func run() throws {
    guard let language = MapLanguage(rawValue: lang) else {
      throw CommandError(description: "--lang '\(lang)' is not fr, en or ar")
    }
    guard let pageSize = PageSize(rawValue: page.uppercased()) ?? PageSize(rawValue: page) else {
      throw CommandError(description: "--page '\(page)' is not A4, A3, A2 or 16:9")
    }
    let colourScheme = try Palette(palette, reversed: reverse)
    let layers: [String?]
    if smallMultiples {
      layers = layer.isEmpty ? try VectorDataset(path: input).layerNames : layer
    } else {
      guard layer.count <= 1 else {
        throw CommandError(description: "several -l need --small-multiples")
      }
      layers = [layer.first]
    }
    var panels: [MapPanel] = []
    var crs: CRS?
    for name in layers {
      let (features, layerCRS) = try MapData.load(
        path: input, layer: name, column: column, crs: crs, labels: labels,
        sizes: symbol == "proportional" ? sizeField : nil)
      crs = crs ?? layerCRS
      let outlines = try boundaries.map { try MapData.outlines(path: $0, crs: layerCRS) } ?? []
      panels.append(MapPanel(caption: name ?? "", features: features, boundaries: outlines))
    }
    let values = panels.flatMap { $0.features.compactMap(\.value) }
    guard !values.isEmpty else { throw MapError.noValues(path: input, column: column) }
    let classScheme = try self.classScheme()
    let distinct = Set(values).count
    if classes > distinct {
      FileHandle.standardError.write(
        Data(
          "warning: \(column) has only \(distinct) distinct values; using \(distinct) classes\n"
            .utf8))
    }
    let classBreaks = Classification.breaks(values, scheme: classScheme, classes: classes)
    var spec = MapSpec(
      title: title ?? column, legendTitle: legend ?? column, breaks: classBreaks,
      colours: try colourScheme.colours(classBreaks.count), crs: crs!, panels: panels)
    spec.subtitle = subtitle
    spec.source = source
    spec.language = language
    spec.page = pageSize
    spec.landscape = !portrait
    spec.dpi = dpi
    if symbol == "proportional" { spec.proportionalSizeTitle = sizeField }
    if let background {
      let shade = try Hillshade(
        path: background,
        crs: try backgroundCRS.map { definition throws(PROJError) in try CRS(definition) })
      guard shade.crs.isEquivalent(to: crs!) else {
        throw CommandError(
          description:
            "--background \(background) is in \(shade.crs), the map in \(crs!); give --background-crs, or warp it to the map's CRS (gdalwarp)"
        )
      }
      spec.background = shade
    }
    let warnings = try MapRenderer.render(
      spec, to: output, policy: overwrite ? .overwrite : .refuse)
    for warning in warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    print(
      "wrote \(output): \(panels.count) panel\(panels.count == 1 ? "" : "s"), \(classBreaks.count) classes (\(scheme)), \(colourScheme.name)"
    )
  }

  private func classScheme() throws -> ClassificationScheme {
    switch scheme {
    case "quantiles": return .quantiles
    case "equal-interval": return .equalInterval
    case "natural-breaks": return .naturalBreaks
    case "head-tail": return .headTail
    case "manual":
      let bounds = (breaks ?? "").split(separator: ",").map {
        Double($0.trimmingCharacters(in: .whitespaces))
      }
      guard !bounds.isEmpty, bounds.allSatisfy({ $0 != nil }) else {
        throw MapError.badBreaks("--scheme manual needs --breaks a,b,c (numbers)")
      }
      return .manual(bounds.map { $0! })
    default:
      throw CommandError(
        description:
          "--scheme '\(scheme)' is not quantiles, equal-interval, natural-breaks, head-tail or manual"
      )
    }
  }
}
