import Foundation
import GeoCore
import PROJKit

/// Where data lies on the globe: the narrowest band of longitudes that covers
/// it (which may cross the antimeridian: `east` then exceeds 180) and its
/// latitudes.
public struct GeographicExtent: Sendable, Equatable {
  /// The western edge, in -180 ... 180.
  public var west: Double
  /// The eastern edge, `west` ... `west + 360` (over 180 across the antimeridian).
  public var east: Double
  /// The southern edge.
  public var south: Double
  /// The northern edge.
  public var north: Double

  /// Degrees of longitude covered.
  public var width: Double { east - west }
  /// The middle longitude, in -180 ... 180.
  public var centreLongitude: Double { Self.wrap((west + east) / 2) }
  /// The middle latitude.
  public var centreLatitude: Double { (south + north) / 2 }

  /// The extent of boxes in degrees (longitude x, latitude y; one per polygon
  /// part, so that a country split at the antimeridian is two boxes): the
  /// longitudes are covered by the shortest arc that leaves out the widest gap
  /// between them.
  public static func covering(_ boxes: [Envelope]) -> GeographicExtent? {
    guard !boxes.isEmpty else { return nil }
    let spans = boxes.map { (max(-180, $0.minX), min(180, $0.maxX)) }.sorted { $0.0 < $1.0 }
    var merged: [(Double, Double)] = []
    for span in spans {
      if let last = merged.last, span.0 <= last.1 {
        merged[merged.count - 1].1 = max(last.1, span.1)
      } else {
        merged.append(span)
      }
    }
    // The gap that wraps round the antimeridian, then those between spans.
    var widest = (size: merged[0].0 + 360 - merged[merged.count - 1].1, after: 0)
    for index in 1..<max(1, merged.count) where merged.count > 1 {
      let size = merged[index].0 - merged[index - 1].1
      if size > widest.size { widest = (size, index) }
    }
    let west = merged[widest.after].0
    let east =
      widest.after == 0 ? merged[merged.count - 1].1 : merged[widest.after - 1].1 + 360
    return GeographicExtent(
      west: west, east: east, south: boxes.map(\.minY).min()!, north: boxes.map(\.maxY).max()!)
  }

  /// `longitude` brought into -180 ... 180.
  static func wrap(_ longitude: Double) -> Double {
    var value = longitude.truncatingRemainder(dividingBy: 360)
    if value > 180 { value -= 360 }
    if value < -180 { value += 360 }
    return value
  }
}

/// The CRS a map is drawn in, and why, as a cartographer would choose it for
/// data in degrees: the UTM zone the data lies in; for a region, a Lambert
/// azimuthal equal-area projection centred on it; for a continent or the
/// world, Equal Earth (EPSG:8857) centred on the data's middle meridian.
public struct MapProjection: Sendable {
  /// The CRS.
  public var crs: CRS
  /// The CRS as the map's small print names it.
  public var caption: String
  /// Why this CRS (one sentence, for the run's output).
  public var reason: String
  /// The meridian opposite the centre (degrees): geometries in degrees are cut
  /// along it before projecting, so that none is smeared across the map.
  public var seam: Double?

  /// A CRS the user or the data chose, named by its own name.
  public init(crs: CRS, reason: String) {
    self.crs = crs
    caption = "\(crs.name)\(crs.epsgCode.map { " (EPSG:\($0))" } ?? "")"
    self.reason = reason
  }

  private init(crs: CRS, caption: String, reason: String, seam: Double?) {
    self.crs = crs
    self.caption = caption
    self.reason = reason
    self.seam = seam
  }

  /// The projection that suits data covering `extent`.
  /// - Throws: `PROJError` if PROJ refuses the definition (it should not).
  public static func choose(for extent: GeographicExtent) throws -> MapProjection {
    let lon = extent.centreLongitude
    let lat = extent.centreLatitude
    let spans =
      "the data spans \(degrees(extent.width))° of longitude and "
      + "\(degrees(extent.north - extent.south))° of latitude"
    // The zone of the centre, when the data stays within a degree and a half of
    // it (where transverse Mercator's scale error is still under 0.1%).
    let zone = Int(((lon + 180) / 6).rounded(.down)) % 60 + 1
    let zoneWest = Double(zone - 1) * 6 - 180
    let unwrappedWest = extent.west + (extent.west < zoneWest - 180 ? 360 : 0)
    if extent.width <= 6, unwrappedWest >= zoneWest - 1.5,
      unwrappedWest + extent.width <= zoneWest + 7.5, extent.south >= -80, extent.north <= 84
    {
      let code = (lat >= 0 ? 32600 : 32700) + zone
      let crs = try CRS("EPSG:\(code)")
      return MapProjection(
        crs: crs, caption: "\(crs.name) (EPSG:\(code))",
        reason: "\(spans), within UTM zone \(zone)\(lat >= 0 ? "N" : "S")", seam: nil)
    }
    let circumpolar = extent.width > 300 && extent.north - extent.south < 50
    if circumpolar && (extent.north > 80 || extent.south < -80) {
      let pole = extent.north > 80 ? 90 : -90
      let crs = try CRS(
        "+proj=laea +lat_0=\(pole) +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs")
      return MapProjection(
        crs: crs,
        caption: "Lambert azimuthal equal-area, \(pole > 0 ? "north" : "south") polar aspect",
        reason: "\(spans) around the \(pole > 0 ? "north" : "south") pole", seam: nil)
    }
    let centre = lon.rounded()
    let seam = GeographicExtent.wrap(centre + 180)
    if extent.width > 100 || extent.north - extent.south > 60 {
      if centre == 0 {
        return MapProjection(
          crs: try CRS("EPSG:8857"), caption: "Equal Earth (EPSG:8857)",
          reason: "\(spans): an equal-area world projection", seam: nil)
      }
      let crs = try CRS(
        "+proj=eqearth +lon_0=\(centre) +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs")
      return MapProjection(
        crs: crs, caption: "Equal Earth centred on \(meridian(centre))",
        reason: "\(spans): an equal-area world projection centred on the data", seam: seam)
    }
    let latitude = (lat * 10).rounded() / 10
    let crs = try CRS(
      "+proj=laea +lat_0=\(latitude) +lon_0=\(centre) +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs")
    return MapProjection(
      crs: crs,
      caption: "Lambert azimuthal equal-area centred on \(parallel(latitude)) \(meridian(centre))",
      reason: "\(spans): an equal-area projection centred on the data", seam: seam)
  }

  /// Checks that a CRS the user gave suits data covering `extent`: at least
  /// half of the data's box must lie in the CRS's area of use.
  /// - Returns: why it does not, or `nil`.
  public static func unsuitability(of crs: CRS, for extent: GeographicExtent) -> String? {
    guard let area = crs.areaOfUse?.bounds, !crs.isGeographic else { return nil }
    let height = max(1e-9, extent.north - extent.south)
    let width = max(1e-9, extent.width)
    var inside = 0.0
    // The data's longitudes may run past 180: compare in both windings.
    for shift in [-360.0, 0, 360] {
      let overlapX =
        min(extent.east + shift, area.maxX) - max(extent.west + shift, area.minX)
      let overlapY = min(extent.north, area.maxY) - max(extent.south, area.minY)
      if overlapX > 0, overlapY > 0 { inside += overlapX * overlapY }
    }
    guard inside < 0.5 * width * height else { return nil }
    // The data's bounds in as many decimals as its size needs to tell them apart.
    let span = min(width, height)
    let digits = span >= 10 ? 0 : span >= 1 ? 1 : span >= 0.1 ? 2 : 3
    return
      "\(crs.description) is meant for \(meridian(area.minX)) to \(meridian(area.maxX)), "
      + "\(parallel(area.minY)) to \(parallel(area.maxY)), but the data spans "
      + "\(meridian(GeographicExtent.wrap(extent.west), digits: digits)) to "
      + "\(meridian(GeographicExtent.wrap(extent.east), digits: digits)), "
      + "\(parallel(extent.south, digits: digits)) to \(parallel(extent.north, digits: digits)); "
      + "the map would be distorted beyond use"
  }

  private static func degrees(_ value: Double) -> String {
    String(format: value >= 10 ? "%.0f" : value >= 1 ? "%.1f" : "%.2f", value)
  }

  /// A longitude, in `digits` decimals when given, else in the decimals of `degrees`.
  private static func meridian(_ value: Double, digits: Int? = nil) -> String {
    let text = digits.map { String(format: "%.\($0)f", abs(value)) } ?? degrees(abs(value))
    return value == 0 ? "0°" : "\(text)°\(value < 0 ? "W" : "E")"
  }

  /// A latitude, in `digits` decimals when given, else in the decimals of `degrees`.
  private static func parallel(_ value: Double, digits: Int? = nil) -> String {
    let text = digits.map { String(format: "%.\($0)f", abs(value)) } ?? degrees(abs(value))
    return value == 0 ? "the equator" : "\(text)°\(value < 0 ? "S" : "N")"
  }
}
