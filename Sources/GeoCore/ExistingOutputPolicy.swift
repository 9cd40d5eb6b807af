/// What to do when an output already exists.
public enum ExistingOutputPolicy: Sendable {
  /// Refuse to write and report the existing file (the default of every command).
  case refuse
  /// Replace the existing output once the new one is complete.
  case overwrite
}
