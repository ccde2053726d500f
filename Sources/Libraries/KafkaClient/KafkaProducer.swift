internal import CRdKafka

/// A Kafka producer driven by a single-threaded readiness loop (epoll).
///
/// ``produce(topic:key:value:headers:token:)`` only enqueues: it never blocks, and a full local queue is a
/// retriable ``KafkaError/Code/queueFull`` error. Delivery reports, errors and log lines land on librdkafka's
/// main queue; ``readinessDescriptor`` is readable while it holds something, and ``poll(maxEvents:)`` drains
/// it without blocking. Only ``flush(timeout:)`` blocks, for at most its timeout.
///
/// Defaults are idempotent (`acks=all`, `enable.idempotence=true`), so librdkafka's internal retries can
/// neither duplicate nor reorder records. The type is meant for one thread and is deliberately not `Sendable`.
public final class KafkaProducer {
    let client: RDKafkaClient
    private let queue: RDKafkaQueue
    private let readiness: WakeupPipe
    private let logHandler: KafkaLogHandler?
    private let errorHandler: ((KafkaError) -> Void)?
    /// Reports collected by ``flush(timeout:)``, handed out by the next ``poll(maxEvents:)``.
    private var bufferedReports: [KafkaDeliveryReport] = []

    private static let enabledEvents: Int32 =
        Int32(RD_KAFKA_EVENT_DR) | Int32(RD_KAFKA_EVENT_ERROR) | Int32(RD_KAFKA_EVENT_LOG)

    /// Creates the producer.
    ///
    /// - Parameters:
    ///   - configuration: Typed settings; ``KafkaProducerConfiguration/additionalProperties`` are passed through.
    ///   - logHandler: Receives librdkafka's log lines, synchronously from ``poll(maxEvents:)`` and
    ///     ``flush(timeout:)``. `nil` discards them.
    ///   - errorHandler: Receives client-level errors (broker connection failures, fatal idempotence errors),
    ///     synchronously from ``poll(maxEvents:)`` and ``flush(timeout:)``. Most are informational: librdkafka
    ///     keeps retrying; act on ``KafkaError/isFatal``.
    /// - Throws: ``KafkaError/Code/configuration`` naming the rejected property, or librdkafka's reason when
    ///   the configuration is rejected as a whole (for example idempotence with `acks` other than `all`).
    public init(
        configuration: KafkaProducerConfiguration,
        logHandler: KafkaLogHandler? = nil,
        errorHandler: ((KafkaError) -> Void)? = nil
    ) throws(KafkaError) {
        let config = try RDKafkaConfig(properties: configuration.librdkafkaProperties, events: Self.enabledEvents)
        let client = try RDKafkaClient(kind: .producer, config: config)
        let queue = try RDKafkaQueue.mainQueue(of: client)
        let logForwarded = rd_kafka_set_log_queue(client.handle, nil)
        guard logForwarded == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(logForwarded, message: "rd_kafka_set_log_queue failed")
        }
        let readiness = try WakeupPipe()
        queue.enableReadiness(readiness)
        self.client = client
        self.queue = queue
        self.readiness = readiness
        self.logHandler = logHandler
        self.errorHandler = errorHandler
        if queue.length > 0 { readiness.signal() }
    }

    /// A file descriptor that is readable while delivery reports (or errors, log lines) wait for
    /// ``poll(maxEvents:)``. Register it with epoll for `EPOLLIN`; never read from or close it. It stays
    /// valid until the producer is deinitialized.
    public var readinessDescriptor: Int32 {
        readiness.readDescriptor
    }

    /// Enqueues one record. Non-blocking; key, value and headers are copied.
    ///
    /// - Parameters:
    ///   - topic: The destination topic; the configured partitioner picks the partition from `key`.
    ///   - key: The record key, or `nil` for none.
    ///   - value: The record value; `nil` produces a null value (a tombstone), `[]` an empty one.
    ///   - headers: Record headers, in order.
    ///   - token: An opaque caller value returned in this record's ``KafkaDeliveryReport``.
    /// - Throws: ``KafkaError/Code/queueFull`` (retriable) when `queue.buffering.max.messages` or `.kbytes` is
    ///   reached: poll for delivery reports and try again. Also unknown topic, oversized record, or a fatal
    ///   error raised earlier.
    public func produce(
        topic: String,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        token: UInt64
    ) throws(KafkaError) {
        let headerList = headers.isEmpty ? nil : try RDKafkaHeaders(headers)
        let failure: OpaquePointer? = topic.withCString { topicName in
            // librdkafka takes a NULL pointer for a null value; an empty value needs a non-NULL one (size 0).
            Self.withOptionalBytes(value.map { $0.isEmpty ? [0] : $0 }) { valueBytes in
                Self.withOptionalBytes(key) { keyBytes in
                    var arguments: [rd_kafka_vu_t] = []
                    arguments.reserveCapacity(6)
                    var argument = rd_kafka_vu_t()
                    argument.vtype = RD_KAFKA_VTYPE_TOPIC
                    argument.u.cstr = topicName
                    arguments.append(argument)

                    argument = rd_kafka_vu_t()
                    argument.vtype = RD_KAFKA_VTYPE_VALUE
                    argument.u.mem.ptr = UnsafeMutableRawPointer(mutating: valueBytes?.baseAddress)
                    argument.u.mem.size = value?.count ?? 0
                    arguments.append(argument)

                    if let keyBytes {
                        argument = rd_kafka_vu_t()
                        argument.vtype = RD_KAFKA_VTYPE_KEY
                        argument.u.mem.ptr = UnsafeMutableRawPointer(mutating: keyBytes.baseAddress)
                        argument.u.mem.size = keyBytes.count
                        arguments.append(argument)
                    }

                    argument = rd_kafka_vu_t()
                    argument.vtype = RD_KAFKA_VTYPE_OPAQUE
                    argument.u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: token))
                    arguments.append(argument)

                    argument = rd_kafka_vu_t()
                    argument.vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    argument.u.i = RD_KAFKA_MSG_F_COPY
                    arguments.append(argument)

                    if let headerHandle = headerList?.handle {
                        argument = rd_kafka_vu_t()
                        argument.vtype = RD_KAFKA_VTYPE_HEADERS
                        argument.u.headers = headerHandle
                        arguments.append(argument)
                    }
                    return rd_kafka_produceva(client.handle, arguments, arguments.count)
                }
            }
        }
        if let failure {
            // The headers stay ours on failure and are destroyed with `headerList`.
            throw KafkaError.consuming(failure)
        }
        headerList?.relinquish()
    }

    /// Returns delivery reports without blocking (librdkafka is polled with timeout 0).
    ///
    /// Serves at most `maxEvents` librdkafka events; one event may carry several reports. Errors and log
    /// lines go to their handlers. If events remain, the readiness descriptor stays readable.
    public func poll(maxEvents: Int = 100) -> [KafkaDeliveryReport] {
        readiness.drain()
        var reports = bufferedReports
        bufferedReports.removeAll()
        var served = 0
        while served < max(maxEvents, 1), let event = queue.poll(timeoutMilliseconds: 0) {
            served += 1
            translate(event, into: &reports)
        }
        if queue.length > 0 { readiness.signal() }
        return reports
    }

    /// Waits until every enqueued record has a delivery report. **Blocking**, for at most `timeout`.
    ///
    /// `linger.ms` is ignored while it waits. Reports that arrive meanwhile are kept and returned by the next
    /// ``poll(maxEvents:)`` (the readiness descriptor is made readable for them), so none is lost.
    ///
    /// - Throws: ``KafkaError/Code/timedOut`` (retriable) if records are still outstanding at the deadline.
    public func flush(timeout: Duration) throws(KafkaError) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var pending = 0
        while true {
            while let event = queue.poll(timeoutMilliseconds: 0) {
                translate(event, into: &bufferedReports)
            }
            pending = Int(rd_kafka_outq_len(client.handle))
            let remaining = clock.now.duration(to: deadline)
            if pending == 0 || remaining <= .zero { break }
            // With delivery-report events enabled, rd_kafka_flush only waits (it never serves the queue) and
            // makes the brokers ignore linger.ms meanwhile; wait in short slices and drain in between.
            _ = rd_kafka_flush(client.handle, min(remaining, .milliseconds(10)).timeoutMilliseconds)
        }
        if !bufferedReports.isEmpty { readiness.signal() }
        if pending > 0 {
            throw KafkaError(
                code: .timedOut, message: "\(pending) record(s) or event(s) still outstanding after \(timeout)")
        }
    }

    /// Records enqueued and not yet reported to the caller: librdkafka's out-queue length
    /// (`rd_kafka_outq_len`: in flight, waiting, or with an unserved report) plus reports held for the next
    /// ``poll(maxEvents:)``. librdkafka also counts other queued events, such as log lines.
    public var outstandingCount: Int {
        Int(rd_kafka_outq_len(client.handle)) + bufferedReports.count
    }

    /// The fatal error raised on this producer, if any; the producer must then be recreated.
    public var fatalError: KafkaError? {
        client.fatalError
    }

    private func translate(_ event: RDKafkaEvent, into reports: inout [KafkaDeliveryReport]) {
        switch event.type {
        case Int32(RD_KAFKA_EVENT_DR):
            while let message = event.nextMessage() {
                reports.append(RDKafkaMessage.deliveryReport(message))
            }
        case Int32(RD_KAFKA_EVENT_ERROR):
            errorHandler?(client.error(code: event.errorCode, text: event.errorText, isFatal: event.isFatal))
        case Int32(RD_KAFKA_EVENT_LOG):
            if let line = event.logLine(of: client) { logHandler?(line) }
        default:
            break
        }
    }

    private static func withOptionalBytes<Result>(
        _ bytes: [UInt8]?,
        _ body: (UnsafeRawBufferPointer?) -> Result
    ) -> Result {
        guard let bytes else { return body(nil) }
        return bytes.withUnsafeBytes { body($0) }
    }
}
