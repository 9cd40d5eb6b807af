internal import CGDAL
import GeoCore

/// Conversions between OGR's field types and values and GeoCore's `FieldType` / `FieldValue`.
enum FieldKind {
  /// The GeoCore type of an OGR field definition (booleans are OGR integers of subtype boolean).
  static func type(of field: OGRFieldDefnH?) -> FieldType {
    switch OGR_Fld_GetType(field) {
    case OFTInteger: return OGR_Fld_GetSubType(field) == OFSTBoolean ? .boolean : .integer
    case OFTInteger64: return .integer64
    case OFTReal: return .real
    case OFTDate: return .date
    case OFTTime: return .time
    case OFTDateTime: return .dateTime
    case OFTBinary: return .binary
    case OFTIntegerList: return .integerList
    case OFTInteger64List: return .integer64List
    case OFTRealList: return .realList
    case OFTStringList: return .stringList
    default: return .string
    }
  }

  /// A new OGR field definition for `field` (to be destroyed with `OGR_Fld_Destroy`).
  static func makeDefinition(_ field: Field) -> OGRFieldDefnH {
    let ogrType: OGRFieldType
    switch field.type {
    case .integer, .boolean: ogrType = OFTInteger
    case .integer64: ogrType = OFTInteger64
    case .real: ogrType = OFTReal
    case .string: ogrType = OFTString
    case .date: ogrType = OFTDate
    case .time: ogrType = OFTTime
    case .dateTime: ogrType = OFTDateTime
    case .binary: ogrType = OFTBinary
    case .integerList: ogrType = OFTIntegerList
    case .integer64List: ogrType = OFTInteger64List
    case .realList: ogrType = OFTRealList
    case .stringList: ogrType = OFTStringList
    }
    let definition = OGR_Fld_Create(field.name, ogrType)!
    if field.type == .boolean { OGR_Fld_SetSubType(definition, OFSTBoolean) }
    if field.width > 0 { OGR_Fld_SetWidth(definition, Int32(field.width)) }
    if field.precision > 0 { OGR_Fld_SetPrecision(definition, Int32(field.precision)) }
    return definition
  }

  /// The value of field `index` of `feature`, or `nil` when its text is not valid UTF-8.
  static func value(of feature: OGRFeatureH, at index: Int32, type: FieldType) -> FieldValue? {
    guard OGR_F_IsFieldSetAndNotNull(feature, index) != 0 else { return .null }
    switch type {
    case .integer, .integer64: return .integer(OGR_F_GetFieldAsInteger64(feature, index))
    case .boolean: return .boolean(OGR_F_GetFieldAsInteger(feature, index) != 0)
    case .real: return .real(OGR_F_GetFieldAsDouble(feature, index))
    case .string:
      return text(OGR_F_GetFieldAsString(feature, index)).map(FieldValue.string)
    case .date, .time, .dateTime:
      return isoDateTime(feature, index, type)
    case .binary:
      var count: Int32 = 0
      let bytes = OGR_F_GetFieldAsBinary(feature, index, &count)
      return .binary(Array(UnsafeBufferPointer(start: bytes, count: Int(count))))
    case .integerList:
      var count: Int32 = 0
      let values = OGR_F_GetFieldAsIntegerList(feature, index, &count)
      return .integerList(UnsafeBufferPointer(start: values, count: Int(count)).map { Int64($0) })
    case .integer64List:
      var count: Int32 = 0
      let values = OGR_F_GetFieldAsInteger64List(feature, index, &count)
      return .integerList(Array(UnsafeBufferPointer(start: values, count: Int(count))))
    case .realList:
      var count: Int32 = 0
      let values = OGR_F_GetFieldAsDoubleList(feature, index, &count)
      return .realList(Array(UnsafeBufferPointer(start: values, count: Int(count))))
    case .stringList:
      guard let list = OGR_F_GetFieldAsStringList(feature, index) else { return .stringList([]) }
      var strings: [String] = []
      var cursor = 0
      while let item = list[cursor] {
        guard let string = text(item) else { return nil }
        strings.append(string)
        cursor += 1
      }
      return .stringList(strings)
    }
  }

  /// Sets field `index` of `feature` to `value`.
  static func set(_ value: FieldValue, on feature: OGRFeatureH, at index: Int32) {
    switch value {
    case .null: OGR_F_SetFieldNull(feature, index)
    case .integer(let v): OGR_F_SetFieldInteger64(feature, index, v)
    case .real(let v): OGR_F_SetFieldDouble(feature, index, v)
    case .boolean(let v): OGR_F_SetFieldInteger(feature, index, v ? 1 : 0)
    case .string(let v), .date(let v), .time(let v), .dateTime(let v):
      OGR_F_SetFieldString(feature, index, v)
    case .binary(let v):
      v.withUnsafeBytes { OGR_F_SetFieldBinary(feature, index, Int32(v.count), $0.baseAddress) }
    case .integerList(let v):
      OGR_F_SetFieldInteger64List(feature, index, Int32(v.count), v)
    case .realList(let v):
      OGR_F_SetFieldDoubleList(feature, index, Int32(v.count), v)
    case .stringList(let v):
      var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
      for item in v { list = CSLAddString(list, item) }
      defer { CSLDestroy(list) }
      OGR_F_SetFieldStringList(feature, index, list)
    }
  }

  private static func text(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer else { return "" }
    return String(validatingCString: pointer)
  }

  /// ISO 8601 text of a date, time or date-time field (`OGR_F_GetFieldAsDateTimeEx`).
  private static func isoDateTime(_ feature: OGRFeatureH, _ index: Int32, _ type: FieldType)
    -> FieldValue
  {
    var year: Int32 = 0
    var month: Int32 = 0
    var day: Int32 = 0
    var hour: Int32 = 0
    var minute: Int32 = 0
    var second: Float = 0
    var zone: Int32 = 0
    OGR_F_GetFieldAsDateTimeEx(
      feature, index, &year, &month, &day, &hour, &minute, &second, &zone)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    let date = "\(fourDigitYear(year))-\(two(month))-\(two(day))"
    let wholeSeconds = Int32(second)
    var time = "\(two(hour)):\(two(minute)):\(two(wholeSeconds))"
    let fraction = Int(((second - Float(wholeSeconds)) * 1000).rounded())
    if fraction > 0 { time += "." + String(String(1000 + fraction).dropFirst()) }
    // OGR time zone flag: 100 = UTC, 100 ± 4·hours otherwise, 0/1 = unknown/local.
    var suffix = ""
    if zone == 100 {
      suffix = "Z"
    } else if zone > 1 {
      let offset = Int(zone - 100) * 15
      suffix =
        (offset < 0 ? "-" : "+") + two(Int32(abs(offset) / 60)) + ":" + two(Int32(abs(offset) % 60))
    }
    switch type {
    case .date: return .date(date)
    case .time: return .time(time)
    default: return .dateTime(date + "T" + time + suffix)
    }
  }
}

/// A year written with at least four digits (`0987`, `2010`).
private func fourDigitYear(_ year: Int32) -> String {
  let digits = String(abs(year))
  return (year < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

/// Conversions between OGR's `OGRwkbGeometryType` and GeoCore's `GeometryType`.
struct OGRGeometryKind {
  let type: GeometryType

  init(_ ogr: OGRwkbGeometryType) {
    switch OGR_GT_Flatten(OGR_GT_GetLinear(ogr)) {
    case wkbPoint: type = .point
    case wkbLineString: type = .lineString
    case wkbPolygon, wkbTriangle: type = .polygon
    case wkbMultiPoint: type = .multiPoint
    case wkbMultiLineString: type = .multiLineString
    case wkbMultiPolygon, wkbPolyhedralSurface, wkbTIN: type = .multiPolygon
    case wkbGeometryCollection: type = .geometryCollection
    case wkbNone: type = .none
    default: type = .unknown
    }
  }

  /// The OGR type for a GeoCore type, with Z when `hasZ`.
  static func ogr(_ type: GeometryType, hasZ: Bool) -> OGRwkbGeometryType {
    let flat: OGRwkbGeometryType
    switch type {
    case .point: flat = wkbPoint
    case .lineString: flat = wkbLineString
    case .polygon: flat = wkbPolygon
    case .multiPoint: flat = wkbMultiPoint
    case .multiLineString: flat = wkbMultiLineString
    case .multiPolygon: flat = wkbMultiPolygon
    case .geometryCollection: flat = wkbGeometryCollection
    case .none: flat = wkbNone
    case .unknown: flat = wkbUnknown
    }
    return hasZ && type != .none ? OGR_GT_SetZ(flat) : flat
  }
}
