/// GeoCore holds the plain Swift value types that every TerritoryKit module
/// shares: envelopes, geometry and field kinds, field values and output policies.
/// It links no C library.
public enum GeoCoreVersion {
  /// The TerritoryKit version these types belong to.
  public static let string = "0.1.0"
}
