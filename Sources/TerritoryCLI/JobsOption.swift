import ArgumentParser
import TerritoryKit

/// `--jobs N`, the worker threads of a command that works in parallel.
struct JobsOption: ParsableArguments {
  @Option(help: "Worker threads (default: every core); the results do not depend on it.")
  var jobs: Int?

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
  }

  /// The thread count to hand to a job.
  var threads: Int { jobs ?? ParallelChunks.defaultThreads }
}
