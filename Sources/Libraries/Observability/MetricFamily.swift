/// One metric and its samples, as the Prometheus text format groups them: a name, a help line, a type, and
/// one sample per label set (histograms have several per label set).
///
/// Families are built at scrape time from the state that already exists (pool, ledger, source, worker
/// reports), so nothing is counted twice and nothing needs a lock.
public struct MetricFamily: Sendable, Equatable {
    /// The `# TYPE` of a family.
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public var name: String
    /// One line of documentation.
    public var help: String
    public var kind: Kind
    public var samples: [MetricSample]

    public init(name: String, help: String, kind: Kind, samples: [MetricSample]) {
        self.name = name
        self.help = help
        self.kind = kind
        self.samples = samples
    }

    /// A counter or gauge with one unlabelled sample.
    public init(_ kind: Kind, _ name: String, _ help: String, value: Double) {
        self.init(name: name, help: help, kind: kind, samples: [MetricSample(value: value)])
    }

    /// An unlabelled counter.
    public static func counter(_ name: String, _ help: String, _ value: some BinaryInteger) -> MetricFamily {
        MetricFamily(.counter, name, help, value: Double(value))
    }

    /// An unlabelled gauge.
    public static func gauge(_ name: String, _ help: String, _ value: some BinaryInteger) -> MetricFamily {
        MetricFamily(.gauge, name, help, value: Double(value))
    }

    /// A counter or gauge with one sample per label set.
    public init(_ kind: Kind, _ name: String, _ help: String, series: [([MetricLabel], Double)]) {
        self.init(name: name, help: help, kind: kind, samples: series.map { MetricSample(labels: $0.0, value: $0.1) })
    }

    /// A histogram with one series per label set.
    public init(histogram name: String, _ help: String, series: [([MetricLabel], HistogramValues)]) {
        self.init(
            name: name, help: help, kind: .histogram,
            samples: series.flatMap { labels, values in values.samples(labels: labels) })
    }

    /// Whether `name` is a valid metric name.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { isNameByte($0) || $0 == UInt8(ascii: ":") }
    }

    /// Whether `name` is a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`).
    public static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return !name.hasPrefix("__") && name.utf8.allSatisfy(isNameByte)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}

/// One `name{labels} value` line of a family; `suffix` extends the family name (`_bucket`, `_sum`, `_count`).
public struct MetricSample: Sendable, Equatable {
    public var suffix: String
    public var labels: [MetricLabel]
    public var value: Double

    public init(suffix: String = "", labels: [MetricLabel] = [], value: Double) {
        self.suffix = suffix
        self.labels = labels
        self.value = value
    }
}

/// A label name and value. Values may hold any text; the renderer escapes them.
public struct MetricLabel: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
