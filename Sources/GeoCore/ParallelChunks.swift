import Dispatch
import Foundation
import Synchronization

/// The one way TerritoryKit splits work across threads: `0..<count` cut into
/// contiguous, non-empty ranges of near-equal length (`ranges`), worked on by at
/// most `threads` threads that take the next range as they finish (`map`), with
/// the results handed back in range order. Results therefore never depend on the
/// number of threads.
///
/// Every parallel loop goes through here so that one sweep test (counts 0 to 300
/// against thread counts 1 to 64) covers them all; an earlier hand-written split
/// (`chunkSize = ⌈n / chunks⌉`) produced ranges past the end for some counts.
public enum ParallelChunks {
  /// The number of worker threads a job uses when it is not told: every core.
  public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

  /// `0..<count` in at most `parts` contiguous ranges, none empty, in order,
  /// whose lengths differ by at most one. Empty when `count` is 0.
  public static func ranges(count: Int, parts: Int) -> [Range<Int>] {
    let count = max(0, count)
    let parts = min(count, max(1, parts))
    guard parts > 0 else { return [] }
    return (0..<parts).map { part in (count * part / parts)..<(count * (part + 1) / parts) }
  }

  /// `body` applied to each range of `ranges(count:parts:)`, on at most `threads`
  /// threads (the calling thread alone when `threads` is 1), results in range order.
  /// - Parameters:
  ///   - count: the number of items.
  ///   - threads: the most threads to run at once (values below 1 count as 1).
  ///   - rangesPerThread: how finely to cut the work, for balance when items
  ///     differ in cost (1 gives one range per thread).
  /// - Throws: the first error `body` threw, after every started range ended.
  public static func map<Result: Sendable, Failure: Error>(
    count: Int, threads: Int, rangesPerThread: Int = 1,
    _ body: @Sendable (Range<Int>) throws(Failure) -> Result
  ) throws(Failure) -> [Result] {
    let threads = max(1, threads)
    let parts = ranges(count: count, parts: threads * max(1, rangesPerThread))
    if threads == 1 || parts.count <= 1 { return try parts.map(body) }
    let results = Mutex([Result?](repeating: nil, count: parts.count))
    // Errors cross threads here only to be rethrown on the calling thread.
    let failure = Mutex<UncheckedBox<Failure>?>(nil)
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: min(threads, parts.count)) { _ in
      while failure.withLock({ $0 == nil }) {
        let index = next.add(1, ordering: .relaxed).oldValue
        guard index < parts.count else { return }
        do throws(Failure) {
          let result = try body(parts[index])
          results.withLock { $0[index] = result }
        } catch {
          failure.withLock { $0 = $0 ?? UncheckedBox(value: error) }
        }
      }
    }
    if let error = failure.withLock({ $0 }) { throw error.value }
    return results.withLock { $0.map { $0! } }
  }

  /// `transform` applied to every item on at most `threads` threads, in order.
  public static func map<Item: Sendable, Result: Sendable, Failure: Error>(
    _ items: [Item], threads: Int, rangesPerThread: Int = 1,
    _ transform: @Sendable (Item) throws(Failure) -> Result
  ) throws(Failure) -> [Result] {
    try map(count: items.count, threads: threads, rangesPerThread: rangesPerThread) {
      range throws(Failure) in
      var out: [Result] = []
      out.reserveCapacity(range.count)
      for index in range { out.append(try transform(items[index])) }
      return out
    }.flatMap { $0 }
  }
}

/// An error carried from a worker thread to the thread that rethrows it; it is
/// never used on two threads at once.
private struct UncheckedBox<Value>: @unchecked Sendable {
  let value: Value
}
