#if canImport(Glibc)
  import Glibc
#endif

/// Gives the pages of freed memory back to the system between the stages of a
/// long job.
///
/// glibc's allocator keeps what a stage freed for later allocations, and keeps it
/// per thread arena: coordinates read on the worker threads and freed on the main
/// thread stay resident while the next stage allocates afresh. Tiling 8,750
/// communes held about 70 MB more resident than its heap peak that way
/// (heaptrack against `/usr/bin/time`). `malloc_trim(0)` returns every whole free
/// page of every arena; it takes a few milliseconds.
public enum FreedMemory {
  /// Returns freed pages to the system (a no-op where the C library has no
  /// `malloc_trim`).
  public static func release() {
    trim?(0)
  }

  /// Has every block of `bytes` or more mapped on its own and unmapped when
  /// freed, for the rest of the process (`mallopt(M_MMAP_THRESHOLD)`; a no-op
  /// where the C library has no `mallopt`).
  ///
  /// glibc raises this threshold each time a mapped block is freed, up to
  /// 32 MB, so that later large arrays come from the arenas and stay resident
  /// after they are freed, scattered among live ones where `malloc_trim`
  /// cannot return them. Tiling 105,000 cells at zooms 0-10 peaked at 199-210 MiB
  /// resident that way and at 175 MiB with a fixed threshold of 256 KiB, for a
  /// few percent more time (fresh pages are zeroed by the system).
  public static func mapLargeBlocks(from bytes: Int = 256 << 10) {
    _ = options?(mmapThreshold, Int32(clamping: bytes))
  }

  /// `M_MMAP_THRESHOLD` of glibc's `malloc.h`.
  private static let mmapThreshold: Int32 = -3

  /// glibc's `mallopt`, looked up once; `nil` elsewhere.
  private static let options: (@convention(c) (Int32, Int32) -> Int32)? = {
    #if canImport(Glibc)
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else {
        return nil
      }
      return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    #else
      return nil
    #endif
  }()

  /// glibc's `malloc_trim`, looked up once (Swift's Glibc module leaves out
  /// `malloc.h`); `nil` elsewhere.
  private static let trim: (@convention(c) (Int) -> Int32)? = {
    #if canImport(Glibc)
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else {
        return nil
      }
      return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    #else
      return nil
    #endif
  }()
}
