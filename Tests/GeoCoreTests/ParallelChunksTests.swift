import GeoCore
import Synchronization
import Testing

/// Every parallel loop splits its work with `ParallelChunks`; these sweeps hold
/// the split and the ordered results against a plain loop for every count from
/// 0 to 300 and every thread count from 1 to 64.
@Suite("Parallel chunks")
struct ParallelChunksTests {
  @Test func rangesCoverEveryItemOnceInOrder() {
    for count in 0...300 {
      for parts in 1...(64 * 8) {
        let ranges = ParallelChunks.ranges(count: count, parts: parts)
        #expect(ranges.count == min(count, parts))
        #expect(ranges.allSatisfy { !$0.isEmpty && $0.lowerBound >= 0 && $0.upperBound <= count })
        #expect(ranges.flatMap { Array($0) } == Array(0..<count))
        let lengths = ranges.map(\.count)
        #expect((lengths.max() ?? 0) - (lengths.min() ?? 0) <= 1)
      }
    }
  }

  @Test func resultsDoNotDependOnTheThreadCount() {
    for count in 0...300 {
      let items = (0..<count).map { $0 * 7 % 13 }
      let expected = items.map { $0 * $0 + 1 }
      for threads in 1...64 {
        for perThread in [1, 8] {
          let mapped = ParallelChunks.map(items, threads: threads, rangesPerThread: perThread) {
            $0 * $0 + 1
          }
          #expect(mapped == expected, "count \(count), threads \(threads)")
        }
      }
    }
  }

  @Test func noMoreThreadsRunAtOnceThanAsked() {
    for threads in [1, 2, 3] {
      let running = Mutex((now: 0, most: 0))
      _ = ParallelChunks.map(count: 64, threads: threads, rangesPerThread: 4) { range in
        running.withLock {
          $0.now += 1
          $0.most = max($0.most, $0.now)
        }
        var sum = 0
        for value in 0..<20_000 { sum &+= value &* range.lowerBound }
        running.withLock { $0.now -= 1 }
        return sum
      }
      #expect(running.withLock { $0.most } <= threads)
    }
  }

  struct Stop: Error, Equatable { let at: Int }

  @Test func theFirstErrorIsThrownAfterTheOthersEnd() {
    for threads in [1, 2, 64] {
      #expect(throws: Stop.self) {
        _ = try ParallelChunks.map(Array(0..<100), threads: threads) { value throws(Stop) in
          if value == 57 { throw Stop(at: value) }
          return value
        }
      }
    }
  }
}
