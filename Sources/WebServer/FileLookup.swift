import Foundation

/// Where a request's path leads inside the served folder. The path is read
/// component by component, each percent-decoded once; a component that is
/// `..`, that decodes to one holding a slash, a backslash or a NUL byte, or
/// that does not decode, is refused, and so is a file whose real path (after
/// symbolic links) lies outside the folder. Nothing outside the folder is read.
enum FileLookup: Equatable {
  /// A regular file, by its real path, and its size in bytes.
  case file(path: String, size: Int)
  /// A folder asked for without its final slash, or an analysis folder's root:
  /// answered with a redirect to this path.
  case redirect(String)
  /// A path that leaves the folder or cannot be read as one: `404`, logged with
  /// the reason.
  case refused(String)
  /// Nothing there (`404`).
  case missing

  /// Looks `requestPath` (the request target's path, still percent-encoded)
  /// up in `root`, a folder given by its real path.
  static func find(_ requestPath: String, in root: String) -> FileLookup {
    guard requestPath.hasPrefix("/") else { return .refused("not a path within the folder") }
    var components: [String] = []
    for raw in requestPath.split(separator: "/", omittingEmptySubsequences: true) {
      guard let decoded = String(raw).removingPercentEncoding else {
        return .refused("malformed percent-encoding")
      }
      if decoded == "." { continue }
      if decoded == ".." { return .refused("leaves the folder") }
      if decoded.contains("/") || decoded.contains("\\") || decoded.contains("\0") {
        return .refused("an encoded separator")
      }
      components.append(decoded)
    }
    let joined = components.reduce(root) { ($0 as NSString).appendingPathComponent($1) }
    guard let real = realPath(joined) else { return .missing }
    guard isInside(real, root) else {
      return .refused("a symbolic link leading outside the folder")
    }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: real, isDirectory: &isFolder) else {
      return .missing
    }
    if isFolder.boolValue {
      if !requestPath.hasSuffix("/") { return .redirect(requestPath + "/") }
      if let index = realPath((real as NSString).appendingPathComponent("index.html")),
        let size = regularFileSize(index)
      {
        guard isInside(index, root) else {
          return .refused("a symbolic link leading outside the folder")
        }
        return .file(path: index, size: size)
      }
      // An analysis folder: its web map is one level down.
      if components.isEmpty, regularFileSize(root + "/web/index.html") != nil {
        return .redirect("/web/")
      }
      return .missing
    }
    guard let size = regularFileSize(real) else { return .missing }
    return .file(path: real, size: size)
  }

  /// Whether the real path `path` is `root` or lies under it.
  static func isInside(_ path: String, _ root: String) -> Bool {
    path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
  }

  /// `path` with every symbolic link resolved (`nil`: it does not exist).
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// The size of the regular file at `path` (`nil`: not one).
  private static func regularFileSize(_ path: String) -> Int? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      attributes[.type] as? FileAttributeType == .typeRegular
    else { return nil }
    return (attributes[.size] as? NSNumber)?.intValue
  }
}
