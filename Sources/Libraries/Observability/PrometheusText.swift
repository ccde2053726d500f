/// Renders metric families in the Prometheus text exposition format, version 0.0.4.
///
/// Each family is `# HELP`, `# TYPE`, then its samples, `name{label="value",…} value`, one per line, with a
/// final newline. Label values escape `\`, `"` and line feeds; help text escapes `\` and line feeds. Families
/// with an invalid name, and samples with an invalid label name, are left out rather than producing a document
/// a scraper would reject whole.
public enum PrometheusText {
    /// The `Content-Type` of a rendered document.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ families: [MetricFamily]) -> String {
        var text = ""
        text.reserveCapacity(families.count * 160)
        for family in families where MetricFamily.isValidName(family.name) {
            text += "# HELP \(family.name) \(escape(family.help, quotes: false))\n"
            text += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            for sample in family.samples where sample.labels.allSatisfy({ MetricFamily.isValidLabelName($0.name) }) {
                text += family.name + sample.suffix
                if !sample.labels.isEmpty {
                    text +=
                        "{"
                        + sample.labels.map { "\($0.name)=\"\(escape($0.value, quotes: true))\"" }.joined(
                            separator: ",") + "}"
                }
                text += " " + format(sample.value) + "\n"
            }
        }
        return text
    }

    /// A sample value: integers without a fraction, `+Inf`, `-Inf`, `NaN`, otherwise the shortest decimal that
    /// reads back as the same double.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Label values escape `\`, `"` and line feeds; help text (`quotes: false`) only `\` and line feeds.
    static func escape(_ text: String, quotes: Bool) -> String {
        guard
            text.utf8.contains(where: {
                $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || (quotes && $0 == UInt8(ascii: "\""))
            })
        else { return text }
        var result = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\"" where quotes: result += "\\\""
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}
