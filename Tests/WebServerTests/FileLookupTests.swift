import Foundation
import Testing

@testable import WebServer

/// What a request path leads to: files and folders inside the served folder;
/// every way out of it refused, without reading anything there.
@Suite("File lookup")
struct FileLookupTests {
  /// A served folder (`web/` with a page and a tile, `site.json` at the top
  /// level missing) and, beside it, a secret file and symbolic links to it.
  private func makeFolders() throws -> (root: String, base: URL) {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lookup-\(UUID().uuidString)")
    let root = base.appendingPathComponent("served")
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent("web/tiles/0/0"), withIntermediateDirectories: true)
    try Data("<html></html>".utf8).write(to: root.appendingPathComponent("web/index.html"))
    try Data([1, 2, 3]).write(to: root.appendingPathComponent("web/tiles/0/0/0.pbf"))
    try Data("gpkg".utf8).write(to: root.appendingPathComponent("analysis.gpkg"))
    try Data("secret".utf8).write(to: base.appendingPathComponent("secret.txt"))
    try FileManager.default.createSymbolicLink(
      atPath: root.appendingPathComponent("out.txt").path,
      withDestinationPath: base.appendingPathComponent("secret.txt").path)
    try FileManager.default.createSymbolicLink(
      atPath: root.appendingPathComponent("etc").path, withDestinationPath: "/etc")
    try FileManager.default.createSymbolicLink(
      atPath: root.appendingPathComponent("inside.pbf").path,
      withDestinationPath: root.appendingPathComponent("web/tiles/0/0/0.pbf").path)
    return (try #require(FileLookup.realPath(root.path)), base)
  }

  @Test func filesAndFoldersInsideAreFound() throws {
    let (root, base) = try makeFolders()
    defer { try? FileManager.default.removeItem(at: base) }
    #expect(
      FileLookup.find("/web/tiles/0/0/0.pbf", in: root)
        == .file(path: root + "/web/tiles/0/0/0.pbf", size: 3))
    #expect(
      FileLookup.find("/web/./tiles//0/0/0.pbf", in: root)
        == .file(path: root + "/web/tiles/0/0/0.pbf", size: 3))
    #expect(
      FileLookup.find("/web/%69ndex.html", in: root)
        == .file(path: root + "/web/index.html", size: 13))
    #expect(FileLookup.find("/web/", in: root) == .file(path: root + "/web/index.html", size: 13))
    #expect(FileLookup.find("/web", in: root) == .redirect("/web/"))
    #expect(FileLookup.find("/", in: root) == .redirect("/web/"))
    #expect(FileLookup.find("/web/tiles/", in: root) == .missing)
    #expect(FileLookup.find("/nothing.json", in: root) == .missing)
    // A link that stays inside is followed.
    #expect(
      FileLookup.find("/inside.pbf", in: root)
        == .file(path: root + "/web/tiles/0/0/0.pbf", size: 3))
  }

  @Test func everyWayOutIsRefused() throws {
    let (root, base) = try makeFolders()
    defer { try? FileManager.default.removeItem(at: base) }
    for path in [
      "/../secret.txt", "/web/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/etc/passwd",
      "/web/..%2f..%2fsecret.txt", "/web/%2e%2e%5c%2e%2e%5csecret.txt", "/%2fetc%2fpasswd",
      "/web/index.html%00.png", "/bad%zzencoding", "etc/passwd", "http://localhost/etc/passwd",
      "/out.txt", "/etc/passwd", "/etc/", "//etc/passwd",
    ] {
      let found = FileLookup.find(path, in: root)
      guard case .refused = found else {
        Issue.record("\(path) gave \(found)")
        continue
      }
    }
    // An absolute path is read below the folder, where nothing is.
    #expect(FileLookup.find("//secret.txt", in: root) == .missing)
  }
}
