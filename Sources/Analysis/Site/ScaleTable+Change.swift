import GeoCore

extension LoadedSite {
  /// The change of each count of `analyses.change` since the earlier date, on
  /// one scale's targets: the earlier units interpolated onto the same targets
  /// (`<count>_before`), the difference (`<count>_change`, now − before) and
  /// its percentage (`<count>_change_pct`, empty where before is 0). A target
  /// the earlier units do not reach has no change. The earlier date's mass
  /// balances come back too, named `<field> (<date>)`. The scale's targets
  /// are `keys`, and its values of each count now are `counts`, by name.
  func changeIndicators(
    _ change: ChangeSpec, earlier: [SourceUnit], onto targets: InterpolationTargets,
    keys: [TargetKey], counts: [String: [Double]]
  ) throws -> ([ScaleTable.Indicator], [MassBalance]) {
    let before = try ArealInterpolation.interpolate(
      earlier, onto: targets, extensiveNames: change.pairs.map(\.before), intensiveNames: [],
      categoricalNames: [], threads: threads)
    let byKey = Dictionary(before.targets.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let date = manifest.layer(change.before)?.date ?? change.before
    var indicators: [ScaleTable.Indicator] = []
    for (index, pair) in change.pairs.enumerated() {
      guard let current = counts[pair.name] else { continue }
      let earlierValues: [Double?] = keys.map { key in
        byKey[key].flatMap { $0.coveredArea > 0 ? $0.extensive[index] : nil }
      }
      let difference = zip(current, earlierValues).map { value, earlier in
        earlier.map { value - $0 }
      }
      let percent = zip(difference, earlierValues).map { difference, earlier -> Double? in
        guard let difference, let earlier, earlier != 0 else { return nil }
        return 100 * difference / earlier
      }
      let spec = unitsSpec.variables.first { $0.name == pair.name }
      let label = variableLabel(pair.name)
      indicators += [
        .init(
          name: pair.name + "_before", description: "\(label) in \(date)", values: earlierValues,
          labels: labels(
            of: spec, name: pair.name,
            phrase: ["fr": "{} en \(date)", "en": "{} in \(date)", "ar": "{} في \(date)"])),
        .init(
          name: pair.name + "_change", description: "change of \(label) since \(date)",
          values: difference,
          labels: labels(
            of: spec, name: pair.name,
            phrase: [
              "fr": "{} : évolution depuis \(date)", "en": "{}: change since \(date)",
              "ar": "{}: التغير منذ \(date)",
            ])),
        .init(
          name: pair.name + "_change_pct", description: "change of \(label) since \(date), %",
          values: percent,
          labels: labels(
            of: spec, name: pair.name,
            phrase: [
              "fr": "{} : évolution depuis \(date) (%)", "en": "{}: change since \(date) (%)",
              "ar": "{}: التغير منذ \(date) (%)",
            ])),
      ]
    }
    let balances = before.balances.map { balance in
      var named = balance
      named.variable = "\(balance.variable) (\(date))"
      return named
    }
    return (indicators, balances)
  }
}
