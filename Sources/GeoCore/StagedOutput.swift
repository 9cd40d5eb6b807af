import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An output written beside its final place and moved there only when complete,
/// so that a failed or interrupted command never leaves a partial output and never
/// replaces an existing one unless asked to.
///
/// An output is a file or a folder. Writers write inside `stagingFolder` (a hidden
/// folder beside the target, hence on the same file system):
/// - a file output is written at `stagingPath`, `stagingFolder/<target file name>`;
///   `commit()` renames every file the folder holds into the target's folder (a
///   Shapefile's `.shp`, `.shx`, `.dbf`, `.prj` and `.cpg` together);
/// - a folder output is filled at `stagingPath`, the staging folder itself;
///   `commit()` swaps it in place of the previous folder, which stays intact if
///   the job fails.
///
/// `discard()` removes what was written. Dropping an uncommitted `StagedOutput`
/// discards it.
public final class StagedOutput {
  /// The final path of the output.
  public let target: URL
  /// Where the writer writes: the file inside `stagingFolder`, or the staging folder itself.
  public let stagingPath: URL
  /// The hidden folder that holds the output while it is written.
  public let stagingFolder: URL
  private let isFolder: Bool
  private var finished = false
  private let policy: ExistingOutputPolicy

  /// Prepares to write the file `path`.
  /// - Parameters:
  ///   - path: the output path the user gave.
  ///   - policy: `.refuse` fails when `path` exists; `.overwrite` replaces it on commit.
  /// - Throws: `OutputError` when the folder does not exist or the output exists.
  public convenience init(path: String, policy: ExistingOutputPolicy) throws(OutputError) {
    try self.init(path: path, policy: policy, isFolder: false)
  }

  /// Prepares to fill the folder `path`.
  /// - Throws: `OutputError.exists` when `path` holds files and the policy is
  ///   `.refuse`; `.folderMissing` when its parent does not exist.
  public convenience init(folder path: String, policy: ExistingOutputPolicy) throws(OutputError) {
    try self.init(path: path, policy: policy, isFolder: true)
  }

  private init(path: String, policy: ExistingOutputPolicy, isFolder: Bool) throws(OutputError) {
    let target = URL(fileURLWithPath: path).standardizedFileURL
    let parent = target.deletingLastPathComponent()
    var parentIsFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &parentIsFolder),
      parentIsFolder.boolValue
    else { throw .folderMissing(path: path, folder: parent.path) }
    if policy == .refuse {
      let exists =
        isFolder
        ? !((try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? []).isEmpty
        : FileManager.default.fileExists(atPath: target.path)
      if exists { throw .exists(path: path) }
    }
    let staging = parent.appendingPathComponent(
      ".\(target.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
    do {
      try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
    } catch {
      throw .notWritable(path: path, reason: error.localizedDescription)
    }
    self.target = target
    self.policy = policy
    self.isFolder = isFolder
    self.stagingFolder = staging
    self.stagingPath = isFolder ? staging : staging.appendingPathComponent(target.lastPathComponent)
  }

  deinit {
    if !finished { try? FileManager.default.removeItem(at: stagingFolder) }
  }

  /// Moves the output into place, replacing an existing one (allowed by the policy
  /// checked at creation), then removes the staging folder.
  /// - Throws: `OutputError.notWritable` when a rename fails; the staging folder is
  ///   removed and a previous folder output is kept.
  public func commit() throws(OutputError) {
    guard !finished else { return }
    finished = true
    if isFolder { try swapFolder() } else { try moveFiles() }
  }

  private func moveFiles() throws(OutputError) {
    defer { try? FileManager.default.removeItem(at: stagingFolder) }
    let folder = target.deletingLastPathComponent()
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: stagingFolder.path).sorted()
    } catch {
      throw .notWritable(path: target.path, reason: error.localizedDescription)
    }
    guard names.contains(target.lastPathComponent) else {
      throw .notWritable(path: target.path, reason: "the writer produced no file")
    }
    // A sidecar (.prj, .dbf, ...) may exist even when the main file does not.
    if policy == .refuse {
      for name in names
      where FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
        throw .exists(path: folder.appendingPathComponent(name).path)
      }
    }
    // rename(2) replaces an existing file atomically; the main file goes last so
    // that it never appears before its sidecars.
    let ordered = names.filter { $0 != target.lastPathComponent } + [target.lastPathComponent]
    for name in ordered {
      let source = stagingFolder.appendingPathComponent(name).path
      let destination = folder.appendingPathComponent(name).path
      guard rename(source, destination) == 0 else {
        throw .notWritable(path: destination, reason: String(cString: strerror(errno)))
      }
    }
  }

  /// Puts the new folder in place of the old one (removed afterwards).
  private func swapFolder() throws(OutputError) {
    let old = target.deletingLastPathComponent().appendingPathComponent(
      ".\(target.lastPathComponent).old-\(UUID().uuidString.prefix(8))")
    let hadOld = FileManager.default.fileExists(atPath: target.path)
    if hadOld, rename(target.path, old.path) != 0 {
      try? FileManager.default.removeItem(at: stagingFolder)
      throw .notWritable(path: target.path, reason: String(cString: strerror(errno)))
    }
    guard rename(stagingFolder.path, target.path) == 0 else {
      let reason = String(cString: strerror(errno))
      if hadOld { _ = rename(old.path, target.path) }
      try? FileManager.default.removeItem(at: stagingFolder)
      throw .notWritable(path: target.path, reason: reason)
    }
    if hadOld { try? FileManager.default.removeItem(at: old) }
  }

  /// Removes the staging folder and everything written so far.
  public func discard() {
    finished = true
    try? FileManager.default.removeItem(at: stagingFolder)
  }
}

/// Why an output could not be written; each case names the path and what to do.
public enum OutputError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The output exists and replacing it was not allowed.
  case exists(path: String)
  /// The folder that should hold the output does not exist.
  case folderMissing(path: String, folder: String)
  /// The output cannot be created or moved into place.
  case notWritable(path: String, reason: String)

  /// One line naming the path and what to do.
  public var description: String {
    switch self {
    case .exists(let path):
      return "\(path) already exists; choose another output name, or allow replacing it"
    case .folderMissing(let path, let folder):
      return "cannot write \(path): the folder \(folder) does not exist; create it first"
    case .notWritable(let path, let reason):
      return "cannot write \(path): \(reason)"
    }
  }
}
