/// What a worker has counted since it started, reported to the supervisor (``WorkerMessage/statistics(_:)``)
/// after a heartbeat whenever it changed, and once more before a draining worker exits.
///
/// Every counter is cumulative for the worker's life; the supervisor adds the last report of each worker that
/// is gone to the totals of the live ones, so its metrics never go backwards when a worker is replaced.
/// Label values are bounded by their producer (languages from the runtime registry, statuses from a fixed set,
/// retry causes from HTTP status codes); the decoder also refuses more than ``maxEntries`` of them per map.
/// Maps travel sorted by key, and the decoder accepts only that order without duplicates, so every accepted
/// payload has exactly one encoding.
public struct WorkerStatistics: Equatable, Sendable {
    /// One `pod_creations_total` series.
    public struct PodCreationKey: Hashable, Sendable, Comparable {
        /// `success` or `failed`.
        public var status: String
        public var language: String

        public init(status: String, language: String) {
            self.status = status
            self.language = language
        }

        public static func < (lhs: PodCreationKey, rhs: PodCreationKey) -> Bool {
            (lhs.status, lhs.language) < (rhs.status, rhs.language)
        }
    }

    /// Bucket bounds of `pod_creation_duration_seconds`: a Pod and a ConfigMap POST take tens of milliseconds
    /// on a healthy cluster, seconds when it throttles or retries.
    public static let durationBounds: [Double] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
    /// Most entries accepted per map when decoding.
    public static let maxEntries = 256

    /// Finished `create_pod_command`s by status and language.
    public var podCreations: [PodCreationKey: UInt64] = [:]
    /// How long successful creations took, by language.
    public var podCreationSeconds: [String: HistogramCounts] = [:]
    /// Creations running right now (a gauge: not carried over from workers that are gone).
    public var podCreationsActive: UInt32 = 0
    /// ConfigMap creations by status: `success`, `already_exists`, `failed`.
    public var configMapsCreated: [String: UInt64] = [:]
    /// Kubernetes API calls made (each may have made several attempts).
    public var apiRequests: UInt64 = 0
    /// Kubernetes API calls that ended with an error.
    public var apiFailures: UInt64 = 0
    /// Kubernetes API retries by cause: the HTTP status code (`429`, `503`, `401` …) or `transport`.
    public var apiRetries: [String: UInt64] = [:]
    /// Command values above a configured maximum, by ``ResourceLimitKey`` (`<action>/<field>`, e.g.
    /// `clamped/cpu_limit`, `refused/timeout_seconds`).
    public var resourceLimitsExceeded: [String: UInt64] = [:]

    /// `create_pod_command`s given up by cause: `attempts` (`workers.max_create_attempts` Pod creation attempts
    /// answered 500) or `expired` (older than `workers.max_command_age`).
    public var podCreationsGivenUp: [String: UInt64] = [:]

    /// The ``resourceLimitsExceeded`` key of `action` (`clamped` or `refused`) on `field`.
    public static func resourceLimitKey(action: String, field: String) -> String { action + "/" + field }

    public init() {}

    /// Adds `other`'s counters (and gauge) to these.
    public mutating func add(_ other: WorkerStatistics) {
        for (key, value) in other.podCreations { podCreations[key, default: 0] &+= value }
        for (language, histogram) in other.podCreationSeconds {
            podCreationSeconds[language, default: HistogramCounts(bounds: Self.durationBounds)].add(histogram)
        }
        podCreationsActive &+= other.podCreationsActive
        for (key, value) in other.configMapsCreated { configMapsCreated[key, default: 0] &+= value }
        apiRequests &+= other.apiRequests
        apiFailures &+= other.apiFailures
        for (key, value) in other.apiRetries { apiRetries[key, default: 0] &+= value }
        for (key, value) in other.resourceLimitsExceeded { resourceLimitsExceeded[key, default: 0] &+= value }
        for (key, value) in other.podCreationsGivenUp { podCreationsGivenUp[key, default: 0] &+= value }
    }

    func encode(into writer: inout PayloadWriter) {
        let creations = podCreations.sorted { $0.key < $1.key }.prefix(Self.maxEntries)
        writer.write(UInt16(creations.count))
        for (key, value) in creations {
            writer.write(key.status)
            writer.write(key.language)
            writer.write(value)
        }
        let histograms = podCreationSeconds.sorted { $0.key < $1.key }.prefix(Self.maxEntries)
        writer.write(UInt16(histograms.count))
        for (language, histogram) in histograms {
            writer.write(language)
            writer.write(UInt16(clamping: histogram.buckets.count))
            for bucket in histogram.buckets { writer.write(bucket) }
            writer.write(histogram.sum.bitPattern)
        }
        writer.write(podCreationsActive)
        Self.encode(configMapsCreated, into: &writer)
        writer.write(apiRequests)
        writer.write(apiFailures)
        Self.encode(apiRetries, into: &writer)
        // Trailing sections, written only when something follows, so statistics without them keep their earlier
        // encoding (one per value): the resource limits when either map has entries, then the given-up creations
        // when they have some.
        if !resourceLimitsExceeded.isEmpty || !podCreationsGivenUp.isEmpty {
            Self.encode(resourceLimitsExceeded, into: &writer)
        }
        if !podCreationsGivenUp.isEmpty { Self.encode(podCreationsGivenUp, into: &writer) }
    }

    static func decode(from reader: inout PayloadReader) throws(IPCError) -> WorkerStatistics {
        var statistics = WorkerStatistics()
        var previousCreation: PodCreationKey?
        for _ in 0..<(try entryCount(&reader, "pod creations")) {
            let key = PodCreationKey(
                status: try reader.readString("status"), language: try reader.readString("language"))
            try requireAscending(previousCreation, key, "pod creations")
            previousCreation = key
            statistics.podCreations[key] = try reader.readUInt64("pod creations")
        }
        var previousLanguage: String?
        for _ in 0..<(try entryCount(&reader, "pod creation durations")) {
            let language = try reader.readString("language")
            try requireAscending(previousLanguage, language, "pod creation durations")
            previousLanguage = language
            var buckets: [UInt64] = []
            for _ in 0..<(try reader.readUInt16("bucket count")) { buckets.append(try reader.readUInt64("bucket")) }
            let sum = Double(bitPattern: try reader.readUInt64("sum"))
            guard let histogram = HistogramCounts(bounds: durationBounds, buckets: buckets, sum: sum) else {
                throw IPCError(
                    .malformedPayload, "histogram with \(buckets.count) buckets, expected \(durationBounds.count + 1)")
            }
            statistics.podCreationSeconds[language] = histogram
        }
        statistics.podCreationsActive = try reader.readUInt32("active creations")
        statistics.configMapsCreated = try decodeMap(&reader, "configmaps created")
        statistics.apiRequests = try reader.readUInt64("api requests")
        statistics.apiFailures = try reader.readUInt64("api failures")
        statistics.apiRetries = try decodeMap(&reader, "api retries")
        if !reader.isAtEnd {
            statistics.resourceLimitsExceeded = try decodeMap(&reader, "resource limits exceeded")
            if !reader.isAtEnd {
                statistics.podCreationsGivenUp = try decodeMap(&reader, "pod creations given up")
                if statistics.podCreationsGivenUp.isEmpty {
                    throw IPCError(.malformedPayload, "pod creations given up: present but empty")
                }
            } else if statistics.resourceLimitsExceeded.isEmpty {
                throw IPCError(.malformedPayload, "resource limits exceeded: present but empty")
            }
        }
        return statistics
    }

    private static func encode(_ map: [String: UInt64], into writer: inout PayloadWriter) {
        let entries = map.sorted { $0.key < $1.key }.prefix(maxEntries)
        writer.write(UInt16(entries.count))
        for (key, value) in entries {
            writer.write(key)
            writer.write(value)
        }
    }

    private static func decodeMap(
        _ reader: inout PayloadReader, _ field: StaticString
    ) throws(IPCError) -> [String: UInt64] {
        var map: [String: UInt64] = [:]
        var previous: String?
        for _ in 0..<(try entryCount(&reader, field)) {
            let key = try reader.readString(field)
            try requireAscending(previous, key, field)
            previous = key
            map[key] = try reader.readUInt64(field)
        }
        return map
    }

    private static func requireAscending<Key: Comparable>(
        _ previous: Key?, _ key: Key, _ field: StaticString
    ) throws(IPCError) {
        if let previous, !(previous < key) {
            throw IPCError(.malformedPayload, "\(field): keys out of order or repeated")
        }
    }

    private static func entryCount(_ reader: inout PayloadReader, _ field: StaticString) throws(IPCError) -> Int {
        let count = Int(try reader.readUInt16(field))
        guard count <= maxEntries else {
            throw IPCError(.malformedPayload, "\(field): \(count) entries, at most \(maxEntries)")
        }
        return count
    }
}
