import Foundation
import TerritoryKit

/// Draws the progress bar of a step that has run for more than `delay`
/// seconds, on standard error, when that is a terminal: the step, done/total in
/// its units, a bar, the rate and the time left, redrawn five times a second
/// on one line that is cleared when the step ends. Elsewhere (pipes, CI,
/// notebooks) there is none: `make()` returns `nil`, and commands print their
/// plain lines as before.
///
/// Cost: the work loops only add to an atomic counter; the drawing runs on a
/// thread of its own that sleeps between redraws.
final class TerminalProgress: ProgressDisplay, @unchecked Sendable {
  // Mutable state (`current`, `shown`, `stopped`) is read and written under `lock` only.
  private let lock = NSLock()
  private var current: (progress: StepProgress, started: Date)?
  private var shown = false
  private var stopped = false
  private let delay: TimeInterval
  private let output: FileHandle

  /// The display for a command, or `nil` when standard error is not a terminal
  /// or the command is quiet.
  static func make(
    quiet: Bool = false, terminal: Bool = isatty(FileHandle.standardError.fileDescriptor) == 1
  ) -> TerminalProgress? {
    guard !quiet, terminal else { return nil }
    return TerminalProgress(delay: 2, output: .standardError)
  }

  init(delay: TimeInterval, output: FileHandle) {
    self.delay = delay
    self.output = output
    let thread = Thread { [weak self] in
      while let self, self.tick() {
        Thread.sleep(forTimeInterval: 0.2)
      }
    }
    thread.name = "territory-progress"
    thread.start()
  }

  deinit { stop() }

  func begin(_ progress: StepProgress) {
    lock.withLock { current = (progress, Date()) }
  }

  func end(_ progress: StepProgress) {
    lock.withLock {
      guard current?.progress === progress else { return }
      current = nil
      clearLine()
    }
  }

  /// Stops the drawing thread.
  func stop() {
    lock.withLock {
      stopped = true
      clearLine()
    }
  }

  /// Redraws the bar if a step has run long enough; `false` once stopped.
  private func tick() -> Bool {
    lock.withLock {
      guard !stopped else { return false }
      guard let (progress, started) = current else { return true }
      let elapsed = Date().timeIntervalSince(started)
      guard elapsed >= delay else { return true }
      let line = Self.line(
        step: progress.step, done: progress.completed, total: progress.total,
        unit: progress.unit, elapsed: elapsed, width: Self.terminalWidth())
      output.write(Data(("\r\u{1B}[K" + line).utf8))
      shown = true
      return true
    }
  }

  /// Clears the bar's line if it was drawn (under `lock`).
  private func clearLine() {
    guard shown else { return }
    output.write(Data("\r\u{1B}[K".utf8))
    shown = false
  }

  /// The columns of the terminal on standard error (80 when it does not say).
  static func terminalWidth() -> Int {
    var size = winsize()
    if ioctl(FileHandle.standardError.fileDescriptor, UInt(TIOCGWINSZ), &size) == 0,
      size.ws_col > 0
    {
      return Int(size.ws_col)
    }
    return 80
  }

  /// One line of the bar, at most `width` characters:
  /// `interpolating 400 sources  1,200/3,000 rows [#####-----]  40%  120 rows/s  0:15 left`.
  static func line(
    step: String, done: Int, total: Int, unit: String, elapsed: TimeInterval, width: Int
  ) -> String {
    let fraction = total > 0 ? Double(done) / Double(total) : 0
    let rate = elapsed > 0 ? Double(done) / elapsed : 0
    var tail = "\(grouped(done))/\(grouped(total)) \(unit)"
    tail += " " + String(format: "%3d%%", Int((fraction * 100).rounded(.down)))
    tail += "  \(grouped(Int(rate.rounded()))) \(unit)/s"
    if rate > 0 && done < total {
      tail += "  \(clock(Double(total - done) / rate)) left"
    }
    let room = width - 1 - step.count - tail.count - 4
    let barWidth = min(30, room)
    guard barWidth >= 5 else { return String("\(step)  \(tail)".prefix(max(0, width - 1))) }
    let filled = Int((fraction * Double(barWidth)).rounded(.down))
    let bar =
      String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled)
    return "\(step) [\(bar)] \(tail)"
  }

  /// `1234567` as `1,234,567`.
  static func grouped(_ value: Int) -> String {
    let digits = String(abs(value))
    var result = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
      result.append(digit)
    }
    return value < 0 ? "-" + result : result
  }

  /// Seconds as `m:ss`, or `h:mm:ss` from an hour on.
  static func clock(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded(.up))
    let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
    return hours > 0
      ? String(format: "%d:%02d:%02d", hours, minutes, rest)
      : String(format: "%d:%02d", minutes, rest)
  }
}
