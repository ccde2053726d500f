/// The outcome of one ``KafkaProducer/produce(topic:key:value:headers:token:)`` call.
public struct KafkaDeliveryReport: Sendable {
    /// The caller's opaque token passed to `produce`.
    public var token: UInt64
    /// The topic the record was produced to.
    public var topic: String
    /// The partition the record was written to, or `nil` if none was chosen (for example when the topic was
    /// never reachable).
    public var partition: Int32?
    /// The record's offset in its partition, when the broker reported one.
    public var offset: Int64?
    /// Success, or why the record was not delivered.
    public var result: Result<Void, KafkaError>

    /// Creates a delivery report.
    public init(token: UInt64, topic: String, partition: Int32?, offset: Int64?, result: Result<Void, KafkaError>) {
        self.token = token
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.result = result
    }

    /// The delivery error, or `nil` when the record was delivered.
    public var error: KafkaError? {
        if case .failure(let error) = result { return error }
        return nil
    }
}
