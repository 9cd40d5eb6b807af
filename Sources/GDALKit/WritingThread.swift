import Foundation

/// Hands a layer's features, in order, to a thread of its own (one stage of a
/// copy: decoding and checking, or writing) while the calling thread goes on,
/// in batches through a short queue (at most `queuedBatches` batches of
/// `batchSize` waiting, so memory stays bounded whatever the layer's size).
///
/// Why: `convert` spends its time in three parts of about the same order:
/// GDAL's reader (json-c for GeoJSON), decoding and checking (GEOS reads the
/// geometry and checks its validity; reprojection), and GDAL's writer (for
/// PostGIS, the COPY stream). A copy runs them as three stages, one thread
/// each, so that the slowest part alone sets the pace. Overlapping reading
/// and writing took loading 750,000 grid cells into PostGIS from 18.4 s to
/// 13.1 s; the third stage is measured in Scripts/bench-results.md.
///
/// `write` and everything it touches (the writer, a transformer, counters) are
/// used only by the writing thread between `init` and `finish()`/`cancel()`,
/// and only by the caller before and after: the queue's lock orders the
/// hand-over, and an item (a feature holding a GEOS geometry) belongs to one
/// thread at a time.
final class WritingThread<Item> {
  /// Items per batch handed to the writing thread.
  static var batchSize: Int { 1024 }
  /// Batches that may wait in the queue before the reader waits.
  static var queuedBatches: Int { 4 }

  private let queue = BatchQueue<Item>(capacity: queuedBatches)
  private let write: (Item) throws -> Void
  private let threaded: Bool
  private var batch: [Item] = []
  private var done: DispatchSemaphore?

  /// Starts the writing thread, which calls `write` for every item in order,
  /// unless `threaded` is false: then `write` runs at once, on the calling
  /// thread (`--jobs 1`).
  init(threaded: Bool, write: @escaping (Item) throws -> Void) {
    self.write = write
    self.threaded = threaded
    batch.reserveCapacity(Self.batchSize)
    guard threaded else { return }
    let done = DispatchSemaphore(value: 0)
    self.done = done
    let queue = queue
    let handed = HandedOver(write: write)
    let thread = Thread {
      defer { done.signal() }
      while let batch = queue.take() {
        do {
          for feature in batch { try handed.write(feature) }
        } catch {
          queue.fail(error)
          return
        }
      }
    }
    thread.name = "territory-writer"
    thread.start()
  }

  deinit { cancel() }

  /// Queues `item` for writing.
  /// - Throws: the error of `write`, once the writing thread has stopped on one.
  func send(_ item: Item) throws {
    guard threaded else {
      try write(item)
      return
    }
    batch.append(item)
    if batch.count >= Self.batchSize { try flush() }
  }

  /// Writes what is queued, waits for the writing thread and rethrows its error.
  func finish() throws {
    guard threaded else { return }
    try flush()
    queue.close()
    join()
    if let failure = queue.failure { throw failure }
  }

  /// Stops the writing thread without writing what is still queued.
  func cancel() {
    guard threaded else { return }
    queue.fail(CancellationError())
    join()
  }

  /// Hands the batch over and starts a new one in a buffer of its own. Emptying
  /// the same buffer in place (`removeAll(keepingCapacity:)`) writes to it once
  /// the writing thread has let it go, an ordering the thread sanitizer cannot
  /// see (the Swift runtime's reference counts are not instrumented), and it
  /// reported a race there in the optimised build; one allocation per batch
  /// of 1,024 costs nothing measurable.
  private func flush() throws {
    guard !batch.isEmpty else { return }
    let full = batch
    batch = []
    batch.reserveCapacity(Self.batchSize)
    if let failure = queue.put(full) { throw failure }
  }

  private func join() {
    done?.wait()
    done = nil
  }
}

/// The writing thread's `write`, carried to it (see `WritingThread`).
private struct HandedOver<Item>: @unchecked Sendable {
  let write: (Item) throws -> Void
}

/// The queue between the reading and the writing thread, with the first failure.
private final class BatchQueue<Item>: @unchecked Sendable {
  private let condition = NSCondition()
  private var batches: [[Item]] = []
  private var closed = false
  private var firstFailure: (any Error)?
  private let capacity: Int

  /// A queue that holds at most `capacity` batches.
  init(capacity: Int) { self.capacity = capacity }

  /// Adds a batch, waiting while the queue is full; returns the failure instead
  /// when the writing thread has stopped.
  func put(_ batch: [Item]) -> (any Error)? {
    condition.lock()
    defer { condition.unlock() }
    while batches.count >= capacity && firstFailure == nil {
      condition.wait()
    }
    if let firstFailure { return firstFailure }
    batches.append(batch)
    condition.broadcast()
    return nil
  }

  /// The next batch, or `nil` once the queue is closed and empty or has failed.
  func take() -> [Item]? {
    condition.lock()
    defer { condition.unlock() }
    while batches.isEmpty && !closed && firstFailure == nil { condition.wait() }
    guard firstFailure == nil, !batches.isEmpty else { return nil }
    condition.broadcast()
    return batches.removeFirst()
  }

  /// No more batches will come.
  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }

  /// Records `error` (the first one wins) and wakes both sides.
  func fail(_ error: any Error) {
    condition.lock()
    if firstFailure == nil { firstFailure = error }
    condition.broadcast()
    condition.unlock()
  }

  /// The first failure, if any.
  var failure: (any Error)? {
    condition.lock()
    defer { condition.unlock() }
    return firstFailure
  }
}
