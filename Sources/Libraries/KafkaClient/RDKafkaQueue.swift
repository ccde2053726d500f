internal import CRdKafka

/// Owns one `rd_kafka_queue_t` reference and destroys it in `deinit`, after detaching any readiness pipe.
final class RDKafkaQueue {
    /// Keeps the client handle alive for as long as the queue reference exists.
    let client: RDKafkaClient
    let handle: OpaquePointer
    private var readiness: WakeupPipe?

    private init(client: RDKafkaClient, handle: OpaquePointer) {
        self.client = client
        self.handle = handle
    }

    deinit {
        if readiness != nil { rd_kafka_queue_io_event_enable(handle, -1, nil, 0) }
        rd_kafka_queue_destroy(handle)
    }

    /// The consumer-group queue (`rd_kafka_queue_get_consumer`): messages, rebalances and commit results.
    static func consumerQueue(of client: RDKafkaClient) throws(KafkaError) -> RDKafkaQueue {
        guard let handle = rd_kafka_queue_get_consumer(client.handle) else {
            throw KafkaError.invalidState("rd_kafka_queue_get_consumer returned NULL (no group.id?)")
        }
        return RDKafkaQueue(client: client, handle: handle)
    }

    /// The main queue (`rd_kafka_queue_get_main`): delivery reports, errors and logs.
    static func mainQueue(of client: RDKafkaClient) throws(KafkaError) -> RDKafkaQueue {
        guard let handle = rd_kafka_queue_get_main(client.handle) else {
            throw KafkaError.invalidState("rd_kafka_queue_get_main returned NULL")
        }
        return RDKafkaQueue(client: client, handle: handle)
    }

    /// A new private queue (`rd_kafka_queue_new`), for results of one blocking call.
    static func temporary(for client: RDKafkaClient) throws(KafkaError) -> RDKafkaQueue {
        guard let handle = rd_kafka_queue_new(client.handle) else {
            throw KafkaError.invalidState("rd_kafka_queue_new returned NULL")
        }
        return RDKafkaQueue(client: client, handle: handle)
    }

    /// Makes librdkafka write to `pipe` whenever an event lands on this queue while it is empty. The queue
    /// must be the final destination of any forwarding. The pipe is retained until the queue is destroyed.
    func enableReadiness(_ pipe: WakeupPipe) {
        WakeupPipe.payload.withUnsafeBytes { payload in
            rd_kafka_queue_io_event_enable(handle, pipe.writeDescriptor, payload.baseAddress, payload.count)
        }
        readiness = pipe
    }

    /// Pops one event, waiting at most `timeoutMilliseconds` (0: never blocks).
    func poll(timeoutMilliseconds: Int32) -> RDKafkaEvent? {
        rd_kafka_queue_poll(handle, timeoutMilliseconds).map(RDKafkaEvent.init)
    }

    /// The number of events waiting.
    var length: Int {
        rd_kafka_queue_length(handle)
    }
}
