import Synchronization

/// How far one long step of a run has come: the loop doing the work advances
/// it, from any thread, and a `ProgressDisplay` reads it. Advancing is one
/// atomic addition, so a loop may advance it per feature or per row.
public final class StepProgress: Sendable {
  /// What the step does, as shown to the user (`interpolating onto 200 m squares`).
  public let step: String
  /// The amount of work in the step, in `unit`s.
  public let total: Int
  /// The unit of `total` (`rows`, `features`, `zooms`).
  public let unit: String
  private let done = Atomic<Int>(0)

  /// A step of `total` `unit`s, none done yet.
  public init(step: String, total: Int, unit: String) {
    self.step = step
    self.total = max(0, total)
    self.unit = unit
  }

  /// Records `count` more units done.
  public func advance(by count: Int = 1) {
    done.wrappingAdd(count, ordering: .relaxed)
  }

  /// The units done so far (never above `total`).
  public var completed: Int { min(total, done.load(ordering: .relaxed)) }
}

/// Shows the steps of a run while they go (the command line draws a bar on a
/// terminal). Called from the thread that runs the step.
public protocol ProgressDisplay: Sendable {
  /// A step has started.
  func begin(_ progress: StepProgress)
  /// The step has ended, done or not.
  func end(_ progress: StepProgress)
}

extension Optional where Wrapped == any ProgressDisplay {
  /// Runs `body` as the step `step` of `total` `unit`s, shown by the display
  /// if there is one; `body` advances the progress it is given.
  public func step<Result>(
    _ step: String, total: Int, unit: String, _ body: (StepProgress) throws -> Result
  ) rethrows -> Result {
    let progress = StepProgress(step: step, total: total, unit: unit)
    guard let display = self else { return try body(progress) }
    display.begin(progress)
    defer { display.end(progress) }
    return try body(progress)
  }
}
