import ArgumentParser
import Foundation
import TerritoryKit

/// `territory web ANALYSIS_DIR -o SITE_DIR [--site DIR] [--no-relief] [--overwrite] [--jobs N]`.
struct WebCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "web",
    abstract: "The web map of an analysis folder: a static page that works offline anywhere.",
    discussion: """
      Writes into SITE_DIR the same web map that 'territory analyze' writes into web/: \
      index.html with its script and style, MapLibre GL JS, one vector tileset with a layer \
      per scale (tiles/z/x/y.pbf), a shaded relief when the site has an elevation model \
      (hillshade/z/x/y.png), and site.json (titles, labels in every language of the site, \
      the maps' classes, the scale report's figures). The folder works as it is on any \
      static host or a USB stick; 'territory serve SITE_DIR' shows it on this machine.

      The elevation model is read from the site folder recorded in manifest.lock.json, and \
      must not have changed since the analysis; --site names the folder if it moved.

      Example:
        territory web out/olinda -o out/olinda-web
      """)

  @Argument(help: "An analysis folder (the output of 'territory analyze').")
  var analysis: String

  @Option(name: [.short, .long], help: "The web map's folder.")
  var output: String

  @Option(help: "The site folder holding the elevation model, if it has moved since the analysis.")
  var site: String?

  @Flag(name: .customLong("no-relief"), help: "Leave out the shaded relief.")
  var noRelief = false

  @OptionGroup var overwrite: OverwriteOption

  @Flag(help: "Print nothing on standard error.")
  var quiet = false

  @OptionGroup var jobs: JobsOption

  func run() throws {
    var options = WebOptions()
    options.policy = overwrite.policy
    options.siteFolder = site
    options.relief = !noRelief
    options.threads = jobs.threads
    if !quiet {
      options.progress = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
    let files = try Tools.web(analysis: analysis, output: output, options: options)
    print("wrote \(output)/:")
    for file in files { print("  \(file)") }
  }
}
