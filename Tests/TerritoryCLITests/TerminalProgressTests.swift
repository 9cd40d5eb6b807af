import Foundation
import Testing

@testable import TerritoryCLI
@testable import TerritoryKit

@Suite("The progress bar on a terminal")
struct TerminalProgressTests {
  @Test("the line: step, bar, done/total, share, rate and time left, worked out by hand")
  func line() {
    // 1,200 of 3,000 rows in 10 s: 40%, 120 rows/s, 1,800 rows left = 15 s; 12 of 30 marks.
    let line = TerminalProgress.line(
      step: "interpolating 400 sources", done: 1_200, total: 3_000, unit: "rows", elapsed: 10,
      width: 120)
    #expect(
      line == "interpolating 400 sources [" + String(repeating: "#", count: 12)
        + String(repeating: "-", count: 18) + "] 1,200/3,000 rows  40%  120 rows/s  0:15 left")
    // Done: no time left; narrow terminals lose the bar, then the end of the line.
    let done = TerminalProgress.line(
      step: "tiling", done: 500, total: 500, unit: "zooms", elapsed: 4, width: 120)
    #expect(done.hasSuffix("] 500/500 zooms 100%  125 zooms/s"))
    let narrow = TerminalProgress.line(
      step: "interpolating 400 sources", done: 1_200, total: 3_000, unit: "rows", elapsed: 10,
      width: 40)
    #expect(!narrow.contains("[") && narrow.count == 39)
    #expect(TerminalProgress.clock(3_725) == "1:02:05")
    #expect(TerminalProgress.clock(59.2) == "1:00")
    #expect(TerminalProgress.grouped(1_234_567) == "1,234,567")
    #expect(TerminalProgress.grouped(-1_000) == "-1,000")
    #expect(TerminalProgress.grouped(999) == "999")
  }

  @Test("only on a terminal, and never when quiet")
  func onlyOnATerminal() {
    #expect(TerminalProgress.make(terminal: false) == nil)
    #expect(TerminalProgress.make(quiet: true, terminal: true) == nil)
    let display = TerminalProgress.make(terminal: true)
    #expect(display != nil)
    display?.stop()
  }

  /// What a display with `delay` draws for a step of `seconds`.
  func drawn(delay: TimeInterval, stepSeconds seconds: TimeInterval) -> String {
    let pipe = Pipe()
    let display = TerminalProgress(delay: delay, output: pipe.fileHandleForWriting)
    let progress = StepProgress(step: "interpolating", total: 10, unit: "rows")
    display.begin(progress)
    progress.advance(by: 4)
    Thread.sleep(forTimeInterval: seconds)
    display.end(progress)
    display.stop()
    try? pipe.fileHandleForWriting.close()
    return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  }

  @Test("a step that outlasts the delay is drawn, then its line cleared; a short one is not drawn")
  func delay() {
    let long = drawn(delay: 0, stepSeconds: 0.5)
    #expect(long.contains("interpolating [") && long.contains("4/10 rows"))
    #expect(long.hasSuffix("\r\u{1B}[K"))
    #expect(drawn(delay: 2, stepSeconds: 0.3).isEmpty)
  }
}
