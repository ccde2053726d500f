/// A record as consumed: where it came from, and its bytes.
public struct ConsumedRecord: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [OutgoingRecord.Header]

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [OutgoingRecord.Header]
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// The first header named `name`, as text.
    public func headerText(_ name: String) -> String? {
        guard let value = headers.first(where: { $0.name == name })?.value else { return nil }
        return String(validating: value, as: UTF8.self)
    }
}
