import Foundation

/// Writes a layer's encoded features on a thread of its own while the calling
/// thread reads, reprojects and checks the next ones, in batches through a
/// short queue (at most `queuedBatches` batches of `batchSize` waiting, so memory
/// stays bounded whatever the layer's size).
///
/// Why: `convert` spends about half its time reading and checking (GDAL's
/// reader, GEOS validity) and half in GDAL's writer (and, for PostGIS, the
/// COPY stream). Overlapping the two took loading 750,000 grid cells into
/// PostGIS from 18.4 s to the figure in docs/bench-results.md, on 2 cores.
///
/// The writer is touched only by the writing thread between `init` and
/// `finish()`/`cancel()`, and only by the caller before and after: the queue's
/// lock orders the hand-over.
final class WritingThread<Writer: LayerWriting> {
  /// Features per batch handed to the writing thread.
  static var batchSize: Int { 1024 }
  /// Batches that may wait in the queue before the reader waits.
  static var queuedBatches: Int { 4 }

  private let queue = BatchQueue(capacity: queuedBatches)
  private let writer: Writer
  private let layer: Int
  private let threaded: Bool
  private var batch: [EncodedFeature] = []
  private var done: DispatchSemaphore?

  /// Starts the writing thread, unless `threaded` is false: then every feature
  /// is written at once, on the calling thread (`--jobs 1`).
  init(writer: Writer, layer: Int, threaded: Bool) {
    self.writer = writer
    self.layer = layer
    self.threaded = threaded
    batch.reserveCapacity(Self.batchSize)
    guard threaded else { return }
    let done = DispatchSemaphore(value: 0)
    self.done = done
    let queue = queue
    let handed = HandedOver { [writer] in try writer.write($0, toLayer: layer) }
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

  /// Queues `feature` for writing.
  /// - Throws: the writer's error, once the writing thread has stopped on one.
  func send(_ feature: EncodedFeature) throws {
    guard threaded else {
      try writer.write(feature, toLayer: layer)
      return
    }
    batch.append(feature)
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

  private func flush() throws {
    guard !batch.isEmpty else { return }
    if let failure = queue.put(batch) { throw failure }
    batch.removeAll(keepingCapacity: true)
  }

  private func join() {
    done?.wait()
    done = nil
  }
}

/// The writer's `write`, carried to the writing thread (see `WritingThread`).
private struct HandedOver: @unchecked Sendable {
  let write: (EncodedFeature) throws -> Void
}

/// The queue between the reading and the writing thread, with the first failure.
private final class BatchQueue: @unchecked Sendable {
  private let condition = NSCondition()
  private var batches: [[EncodedFeature]] = []
  private var closed = false
  private var firstFailure: (any Error)?
  private let capacity: Int

  /// A queue that holds at most `capacity` batches.
  init(capacity: Int) { self.capacity = capacity }

  /// Adds a batch, waiting while the queue is full; returns the failure instead
  /// when the writing thread has stopped.
  func put(_ batch: [EncodedFeature]) -> (any Error)? {
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
  func take() -> [EncodedFeature]? {
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
