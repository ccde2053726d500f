/// A strict reader of the Prometheus text format (0.0.4) as the supervisor writes it: every line is
/// `# HELP name text`, `# TYPE name type`, or `name{label="value",…} value`, and every sample belongs to a
/// family whose TYPE came before it.
struct Exposition {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    enum ParseError: Error, CustomStringConvertible {
        case line(Int, String, String)
        var description: String {
            switch self {
            case .line(let number, let line, let problem): "line \(number) '\(line)': \(problem)"
            }
        }
    }

    private(set) var samples: [Sample] = []
    private(set) var types: [String: String] = [:]

    init(_ text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else { throw ParseError.line(0, "", "no final line feed") }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let number = index + 1
            func fail(_ problem: String) -> ParseError { .line(number, String(line), problem) }
            if line.hasPrefix("# HELP ") {
                guard Self.isName(line.dropFirst(7).prefix { $0 != " " }) else { throw fail("bad HELP") }
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2, Self.isName(parts[0]),
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[1]),
                    types[String(parts[0])] == nil
                else { throw fail("bad or repeated TYPE") }
                types[String(parts[0])] = String(parts[1])
            } else {
                var rest = line[...]
                let name = rest.prefix { $0 != "{" && $0 != " " }
                guard Self.isName(name) else { throw fail("bad metric name") }
                rest = rest.dropFirst(name.count)
                var labels: [String: String] = [:]
                if rest.first == "{" {
                    rest = rest.dropFirst()
                    while rest.first != "}" {
                        let label = rest.prefix { $0 != "=" }
                        guard Self.isName(label), !label.contains(":"), rest.dropFirst(label.count).hasPrefix("=\"")
                        else {
                            throw fail("bad label")
                        }
                        rest = rest.dropFirst(label.count + 2)
                        var value = ""
                        while let character = rest.first, character != "\"" {
                            rest = rest.dropFirst()
                            if character == "\\" {
                                switch rest.first {
                                case "\\": value.append("\\")
                                case "\"": value.append("\"")
                                case "n": value.append("\n")
                                default: throw fail("bad escape")
                                }
                                rest = rest.dropFirst()
                            } else {
                                value.append(character)
                            }
                        }
                        guard rest.first == "\"", labels[String(label)] == nil else {
                            throw fail("unterminated or repeated label")
                        }
                        labels[String(label)] = value
                        rest = rest.dropFirst()
                        if rest.first == "," {
                            rest = rest.dropFirst()
                        } else if rest.first != "}" {
                            throw fail("bad label list")
                        }
                    }
                    rest = rest.dropFirst()
                }
                guard rest.first == " ", let value = Self.number(rest.dropFirst()) else { throw fail("bad value") }
                let family = [name, name.dropLast(7), name.dropLast(4), name.dropLast(6)].first {
                    types[String($0)] != nil
                }
                guard family != nil else { throw fail("sample before its TYPE") }
                samples.append(Sample(name: String(name), labels: labels, value: value))
            }
        }
    }

    /// The value of the one sample named `name` with exactly `labels`, if present.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    func samples(named name: String) -> [Sample] { samples.filter { $0.name == name } }

    private static func isName(_ text: Substring) -> Bool {
        guard let first = text.first, !first.isNumber else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == ":" }
    }

    private static func number(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: text.allSatisfy { $0.isASCII && ($0.isNumber || "+-.e".contains($0)) } ? Double(text) : nil
        }
    }
}
