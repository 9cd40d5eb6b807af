import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An output written beside its final place and moved there only when complete,
/// so that a failed or interrupted command never leaves a partial file and never
/// replaces an existing one unless asked to.
///
/// Writers create their files inside `stagingFolder` (a hidden folder in the
/// target's folder, hence on the same file system), named like the target;
/// `commit()` renames every file it holds into the target's folder (a Shapefile's
/// `.shp`, `.shx`, `.dbf`, `.prj` and `.cpg` together) and removes the folder;
/// `discard()` removes it with its content. Dropping an uncommitted
/// `StagedOutput` discards it.
public final class StagedOutput {
  /// The final path of the main output file.
  public let target: URL
  /// Where the writer writes: `stagingFolder/<target file name>`.
  public let stagingPath: URL
  /// The hidden folder that holds the output while it is written.
  public let stagingFolder: URL
  private var finished = false
  private let policy: ExistingOutputPolicy

  /// Prepares to write `path`.
  /// - Parameters:
  ///   - path: the output path the user gave.
  ///   - policy: `.refuse` fails when `path` exists; `.overwrite` replaces it on commit.
  /// - Throws: `OutputError` when the folder does not exist or the output exists.
  public init(path: String, policy: ExistingOutputPolicy) throws(OutputError) {
    let target = URL(fileURLWithPath: path).standardizedFileURL
    let folder = target.deletingLastPathComponent()
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder),
      isFolder.boolValue
    else { throw .folderMissing(path: path, folder: folder.path) }
    if FileManager.default.fileExists(atPath: target.path) {
      guard policy == .overwrite else { throw .exists(path: path) }
    }
    let staging = folder.appendingPathComponent(
      ".\(target.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
    do {
      try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
    } catch {
      throw .notWritable(path: path, reason: error.localizedDescription)
    }
    self.target = target
    self.policy = policy
    self.stagingFolder = staging
    self.stagingPath = staging.appendingPathComponent(target.lastPathComponent)
  }

  deinit {
    if !finished { try? FileManager.default.removeItem(at: stagingFolder) }
  }

  /// Moves every staged file into place, replacing existing ones (allowed by the policy
  /// checked at creation), then removes the staging folder.
  /// - Throws: `OutputError.notWritable` when a rename fails; the staging folder is removed.
  public func commit() throws(OutputError) {
    guard !finished else { return }
    finished = true
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

  /// Removes the staging folder and everything written so far.
  public func discard() {
    finished = true
    try? FileManager.default.removeItem(at: stagingFolder)
  }
}

/// Why an output could not be written; each case names the path and what to do.
public enum OutputError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The output exists and `--overwrite` was not given.
  case exists(path: String)
  /// The folder that should hold the output does not exist.
  case folderMissing(path: String, folder: String)
  /// The output cannot be created or moved into place.
  case notWritable(path: String, reason: String)

  /// One line naming the path and what to do.
  public var description: String {
    switch self {
    case .exists(let path):
      return "\(path) already exists; pass --overwrite to replace it, or choose another output name"
    case .folderMissing(let path, let folder):
      return "cannot write \(path): the folder \(folder) does not exist; create it first"
    case .notWritable(let path, let reason):
      return "cannot write \(path): \(reason)"
    }
  }
}

/// An output folder built beside its final place and swapped in when complete:
/// if the job fails, the previous contents of the folder are left intact.
public final class StagedFolder {
  /// The final folder.
  public let target: URL
  /// Where the job writes.
  public let staging: URL
  private var finished = false

  /// Prepares to fill `path`.
  /// - Throws: `OutputError.exists` when `path` holds files and the policy is
  ///   `.refuse`; `.folderMissing` when its parent does not exist.
  public init(path: String, policy: ExistingOutputPolicy) throws(OutputError) {
    let target = URL(fileURLWithPath: path).standardizedFileURL
    let parent = target.deletingLastPathComponent()
    guard FileManager.default.fileExists(atPath: parent.path) else {
      throw .folderMissing(path: path, folder: parent.path)
    }
    let existing = (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? []
    if !existing.isEmpty && policy == .refuse { throw .exists(path: path) }
    let staging = parent.appendingPathComponent(
      ".\(target.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
    do {
      try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
    } catch {
      throw .notWritable(path: path, reason: error.localizedDescription)
    }
    self.target = target
    self.staging = staging
  }

  deinit { if !finished { try? FileManager.default.removeItem(at: staging) } }

  /// Puts the new folder in place of the old one (removed afterwards).
  /// - Throws: `OutputError.notWritable`; the old folder is then kept.
  public func commit() throws(OutputError) {
    guard !finished else { return }
    finished = true
    let old = target.deletingLastPathComponent().appendingPathComponent(
      ".\(target.lastPathComponent).old-\(UUID().uuidString.prefix(8))")
    let hadOld = FileManager.default.fileExists(atPath: target.path)
    if hadOld, rename(target.path, old.path) != 0 {
      try? FileManager.default.removeItem(at: staging)
      throw .notWritable(path: target.path, reason: String(cString: strerror(errno)))
    }
    guard rename(staging.path, target.path) == 0 else {
      let reason = String(cString: strerror(errno))
      if hadOld { _ = rename(old.path, target.path) }
      try? FileManager.default.removeItem(at: staging)
      throw .notWritable(path: target.path, reason: reason)
    }
    if hadOld { try? FileManager.default.removeItem(at: old) }
  }

  /// Removes what was written; the old folder stays.
  public func discard() {
    finished = true
    try? FileManager.default.removeItem(at: staging)
  }
}
