import ArgumentParser
import Foundation
import TerritoryKit

/// `territory site init DIR --crs CRS [--from FILE ...]`.
struct SiteInitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract:
      "Write a starting site.yaml from the team's files (roles and kinds guessed, marked for review).",
    discussion: """
      Example:
        territory site init mysite --crs EPSG:2154 \\
          --from communes.gpkg --from mnt.tif
      """)

  @Argument(help: "The site folder (created if missing).")
  var folder: String

  @Option(help: "The working CRS, projected in metres.")
  var crs: String

  @Option(name: .customLong("from"), help: "A file of the site (repeat for several).")
  var files: [String] = []

  @OptionGroup var overwrite: OverwriteOption

  func run() throws {
    var job = SiteInitJob(folder: folder, crs: crs, files: files)
    job.policy = overwrite.policy
    let result = try Tools.siteInit(job)
    print(
      "wrote \(result.path): \(result.layers) layer\(result.layers == 1 ? "" : "s"); review it, then run 'territory site check \(folder)'"
    )
  }
}
