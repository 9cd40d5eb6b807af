extension Tools {
  /// `territory interpolate`: counts, rates and categories of source polygons
  /// moved onto a grid or other zones, with the mass balance of every count.
  /// - Throws: what `InterpolationJob.run()` throws.
  public static func interpolate(_ job: InterpolationJob) throws -> InterpolationJob.Summary {
    try job.run()
  }

  /// `territory zonal`: statistics of a raster band per zone, pixels weighted by
  /// the exact fraction each zone covers.
  /// - Throws: what `ZonalJob.run()` throws.
  public static func zonal(_ job: ZonalJob) throws -> [ZoneStatistics] {
    try job.run()
  }

  /// `territory points`: points counted, summed and averaged per grid cell or zone.
  /// - Throws: what `PointJob.run()` throws.
  public static func points(_ job: PointJob) throws -> PointJob.Summary {
    try job.run()
  }
}

extension Tools {
  /// `territory change`: two dates of a territory on the same targets, with
  /// each variable's change and the mass balance of each date.
  /// - Throws: what `ChangeJob.run()` throws.
  public static func change(_ job: ChangeJob) throws -> ChangeJob.Summary {
    try job.run()
  }
}

extension Tools {
  /// `territory regions`: contiguous regions drawn from the data.
  /// - Throws: what `RegionsJob.run()` throws.
  public static func regions(_ job: RegionsJob) throws -> RegionsJob.Summary {
    try job.run()
  }
}
