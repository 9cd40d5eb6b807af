import Foundation
import GDALKit
import GeoCore

/// The scale report as tables, for `analyze --to PG:` (beside one table per
/// scale): readers of the database get the mass balances and the indicators'
/// statistics without parsing `report.json`.
///
/// - `report_balances`: one row per scale and extensive variable (`scale`,
///   `label`, `rule`, `targets`, `variable`, `total_in`, `total_out`, `outside`);
/// - `report_statistics`: one row per indicator, scale and statistic
///   (`indicator`, `description`, `scale`, `statistic`, `value`, and the lowest
///   and highest values over the zonings tried, `zoning_low`, `zoning_high`);
/// - `report_documents`: `report.md`, `report.json` and `manifest.lock.json`,
///   whole (`name`, `content`).
enum ReportTables {
  /// Adds the three tables to `writer`.
  /// - Throws: `GDALError` from the writer; `DecodingError`-like errors when the
  ///   report cannot be read back (never for a report made by `ScaleReport`).
  static func write(
    _ report: ScaleReport, lock: Data, to writer: some FeatureWriting
  ) throws {
    let json = try report.json()
    let object = try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
    try writeBalances(object, to: writer)
    try writeStatistics(object, to: writer)
    let documents = try writer.addLayer(
      name: "report_documents", geometryType: .none, hasZ: false, crs: nil,
      fields: [Field(name: "name", type: .string), Field(name: "content", type: .string)])
    let texts = [
      ("report.md", report.markdown()), ("report.json", String(decoding: json, as: UTF8.self)),
      ("manifest.lock.json", String(decoding: lock, as: UTF8.self)),
    ]
    for (index, (name, content)) in texts.enumerated() {
      try writer.write(
        Feature(
          id: Int64(index + 1), attributes: [.string(name), .string(content)], geometry: nil),
        toLayer: documents)
    }
  }

  private static func writeBalances(_ report: [String: Any], to writer: some FeatureWriting)
    throws
  {
    let fields = [
      Field(name: "scale", type: .string), Field(name: "label", type: .string),
      Field(name: "rule", type: .string), Field(name: "targets", type: .integer64),
      Field(name: "variable", type: .string), Field(name: "total_in", type: .real),
      Field(name: "total_out", type: .real), Field(name: "outside", type: .real),
    ]
    let layer = try writer.addLayer(
      name: "report_balances", geometryType: .none, hasZ: false, crs: nil, fields: fields)
    var id: Int64 = 0
    for scale in report["scales"] as? [[String: Any]] ?? [] {
      for balance in scale["balances"] as? [[String: Any]] ?? [] {
        id += 1
        let row: [FieldValue] = [
          text(scale["name"]), text(scale["label"]), text(scale["rule"]), integer(scale["targets"]),
          text(balance["variable"]), real(balance["totalIn"]), real(balance["totalOut"]),
          real(balance["outside"]),
        ]
        try writer.write(Feature(id: id, attributes: row, geometry: nil), toLayer: layer)
      }
    }
  }

  private static func writeStatistics(_ report: [String: Any], to writer: some FeatureWriting)
    throws
  {
    let fields = [
      Field(name: "indicator", type: .string), Field(name: "description", type: .string),
      Field(name: "scale", type: .string), Field(name: "statistic", type: .string),
      Field(name: "value", type: .real), Field(name: "zoning_low", type: .real),
      Field(name: "zoning_high", type: .real),
    ]
    let layer = try writer.addLayer(
      name: "report_statistics", geometryType: .none, hasZ: false, crs: nil, fields: fields)
    var id: Int64 = 0
    for indicator in report["indicators"] as? [[String: Any]] ?? [] {
      for scale in indicator["scales"] as? [[String: Any]] ?? [] {
        let statistics = scale["statistics"] as? [String: Any] ?? [:]
        let zoning = scale["zoning"] as? [String: Any] ?? [:]
        for name in statistics.keys.sorted() {
          id += 1
          let range = zoning[name] as? [String: Any]
          let row: [FieldValue] = [
            text(indicator["name"]), text(indicator["description"]), text(scale["scale"]),
            .string(name), real(statistics[name]), real(range?["low"]), real(range?["high"]),
          ]
          try writer.write(Feature(id: id, attributes: row, geometry: nil), toLayer: layer)
        }
      }
    }
  }

  private static func text(_ value: Any?) -> FieldValue {
    (value as? String).map(FieldValue.string) ?? .null
  }

  private static func integer(_ value: Any?) -> FieldValue {
    (value as? NSNumber).map { .integer($0.int64Value) } ?? .null
  }

  private static func real(_ value: Any?) -> FieldValue {
    (value as? NSNumber).map { .real($0.doubleValue) } ?? .null
  }
}
