import ArgumentParser
import Foundation
import TerritoryKit

/// `territory site check|init`.
struct SiteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "site",
    abstract: "Describe a workshop site: check its layers, or start its site.yaml.",
    subcommands: [SiteCheckCommand.self, SiteInitCommand.self])
}

/// `territory site check SITE [--json]`.
struct SiteCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Load every layer of a site and report what needs attention.",
    discussion: """
      Reports missing or unreadable files, CRSs missing or with an unknown datum (with the \
      most likely EPSG code), layers outside the site, invalid geometries, declared fields that \
      do not exist, text fields declared as counts, and the totals of every count. \
      Exit code 0 when the site is usable, 1 otherwise.

      Example:
        territory site check Data/sites/olinda
      """)

  @Argument(help: "The site folder (holding site.yaml), or the site.yaml itself.")
  var site: String

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  func run() throws {
    let report = try Tools.siteCheck(site: site)
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      print(String(decoding: try encoder.encode(report), as: UTF8.self))
    } else {
      print("site '\(report.site)', working CRS \(report.crs)\n")
      print(
        pad("layer", 12) + pad("role", 8) + pad("found", 6) + pad("features", 9) + pad("invalid", 8)
          + "CRS")
      for layer in report.layers {
        print(
          pad(layer.key, 12) + pad(layer.role, 8) + pad(layer.found ? "yes" : "NO", 6)
            + pad(layer.features.map(String.init) ?? "-", 9)
            + pad(layer.invalidGeometries.map(String.init) ?? "-", 8)
            + (layer.crs ?? "-"))
        for (variable, total) in (layer.totals ?? [:]).sorted(by: { $0.key < $1.key }) {
          print("    total \(variable): \(String(format: "%.0f", total))")
        }
      }
      if !report.scales.isEmpty {
        print("\n" + pad("grid scale", 16) + pad("cells", 14) + "memory")
      }
      for scale in report.scales {
        print(
          pad(scale.name, 16) + pad(SiteCheck.count(scale.cells), 14) + SiteCheck.bytes(scale.bytes)
        )
      }
      print(report.problems.isEmpty ? "\nNothing needs attention." : "\nNeeds attention:")
      for problem in report.problems {
        print(
          "  \(problem.severity): \(problem.layer.isEmpty ? "" : problem.layer + ": ")\(problem.message)"
        )
      }
      print(
        report.usable ? "\nThe site is usable." : "\nThe site is NOT usable: fix the errors above.")
    }
    if !report.usable { throw ExitCode(TerritoryCommandLine.failure) }
  }

  private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text.padding(toLength: width, withPad: " ", startingAt: 0)
  }
}

/// `territory analyze [SITE] [-o DIR] [--to PG:… [--schema NAME]] [--overwrite] [--quiet] [--jobs N]`.
struct AnalyzeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "The main job: every layer of a site at every scale, with the scale report.",
    discussion: """
      Writes into DIR (default out/<site>): analysis.gpkg (one layer per scale, plus catchments \
      and footprint), <scale>.geojson, report.md and report.json (the scale report), and \
      manifest.lock.json (the resolved manifest, input checksums, tool versions), the maps in \
      maps/, and the web map in web/ (open web/index.html through any static web server; \
      --no-web leaves it out). The previous contents of DIR are replaced only when everything \
      is written (--overwrite).

      With --to PG:"…", the same tables are also written to a PostGIS schema (named after the \
      site unless --schema names it), with the scale report as the tables report_balances, \
      report_statistics and report_documents. The schema is built under a staging name and \
      swapped in within one transaction: readers never see half an analysis, and a failure \
      keeps the previous one.

      Example:
        territory analyze Data/sites/olinda -o out/olinda
      """)

  @Argument(help: "The site folder (default: the bundled Olinda site).")
  var site = "Data/sites/olinda"

  @Option(name: [.short, .long], help: "The output folder (default: out/<site name>).")
  var output: String?

  @Option(help: "Also write the tables to this PostgreSQL connection (PG:…).")
  var to: String?

  @Option(help: "The schema of --to (default: the site's name).")
  var schema: String?

  @Option(
    name: .customLong("map-crs"),
    help: "The CRS of the maps, in place of the site's map-crs (default: the working CRS).")
  var mapCRS: String?

  @OptionGroup var overwrite: OverwriteOption

  @Flag(help: "Print nothing on standard error.")
  var quiet = false

  @Flag(name: .customLong("no-web"), help: "Leave out the web map (web/), for a quicker run.")
  var noWeb = false

  func validate() throws {
    if let to, !PostgreSQLConnection.isConnection(to) {
      throw ValidationError("--to takes a PostgreSQL connection, PG:\"…\", not '\(to)'")
    }
    if schema != nil && to == nil { throw ValidationError("--schema goes with --to PG:…") }
  }

  @OptionGroup var jobs: JobsOption

  func run() throws {
    var options = AnalyzeOptions()
    options.output = output
    options.policy = overwrite.policy
    options.threads = jobs.threads
    options.database = to
    options.schema = schema
    options.mapCRS = mapCRS
    options.web = !noWeb
    if !quiet {
      options.progress = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
    let result = try Tools.analyze(site: site, options: options)
    print("wrote \(result.folder)/:")
    for file in result.files { print("  \(file)") }
    if let to {
      print(
        "wrote schema \(schema ?? result.report.site) in \(PostgreSQLConnection.masked(to))")
    }
    for scale in result.report.scales {
      for balance in scale.balances {
        print(
          "  \(scale.name): \(balance.variable) \(String(format: "%.3f", balance.totalOut)) of \(String(format: "%.3f", balance.totalIn))\(balance.isBalanced ? " (kept)" : "")"
        )
      }
    }
  }
}
