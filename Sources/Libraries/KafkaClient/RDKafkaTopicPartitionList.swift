internal import CRdKafka
import Glibc

/// Owns one `rd_kafka_topic_partition_list_t` and destroys it in `deinit`.
final class RDKafkaTopicPartitionList {
    let handle: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// Takes ownership of a list librdkafka allocated for the caller.
    init(adopting handle: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        self.handle = handle
    }

    /// An empty list with room for `capacity` entries.
    convenience init(capacity: Int) throws(KafkaError) {
        guard let list = rd_kafka_topic_partition_list_new(Int32(clamping: max(capacity, 1))) else {
            throw KafkaError.invalidState("rd_kafka_topic_partition_list_new returned NULL")
        }
        self.init(adopting: list)
    }

    /// A copy of a list librdkafka still owns (for example an event's).
    convenience init(copying list: UnsafePointer<rd_kafka_topic_partition_list_t>) throws(KafkaError) {
        guard let copy = rd_kafka_topic_partition_list_copy(list) else {
            throw KafkaError.invalidState("rd_kafka_topic_partition_list_copy returned NULL")
        }
        self.init(adopting: copy)
    }

    /// A list of partitions with no offsets.
    convenience init(partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try self.init(capacity: partitions.count)
        for partition in partitions {
            _ = try add(topic: partition.topic, partition: partition.partition)
        }
    }

    /// A list of partitions with offsets and optional commit metadata.
    convenience init(offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        try self.init(capacity: offsets.count)
        for entry in offsets {
            let element = try add(topic: entry.topic, partition: entry.partition)
            element.pointee.offset = entry.offset ?? Int64(RD_KAFKA_OFFSET_INVALID)
            if let metadata = entry.metadata {
                let bytes = Array(metadata.utf8)
                // librdkafka frees `metadata` with free(3) when the list is destroyed.
                guard let storage = malloc(max(bytes.count, 1)) else {
                    throw KafkaError.system("malloc", errno: errno)
                }
                bytes.withUnsafeBytes { source in
                    if let base = source.baseAddress { storage.copyMemory(from: base, byteCount: source.count) }
                }
                element.pointee.metadata = storage
                element.pointee.metadata_size = bytes.count
            }
        }
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(handle)
    }

    private func add(
        topic: String, partition: Int32
    ) throws(KafkaError)
        -> UnsafeMutablePointer<rd_kafka_topic_partition_t>
    {
        guard let element = rd_kafka_topic_partition_list_add(handle, topic, partition) else {
            throw KafkaError.invalidState("rd_kafka_topic_partition_list_add returned NULL")
        }
        return element
    }

    /// The entries of any list, owned or borrowed.
    static func elements(
        of list: UnsafePointer<rd_kafka_topic_partition_list_t>
    ) -> UnsafeBufferPointer<rd_kafka_topic_partition_t> {
        guard list.pointee.cnt > 0, let base = list.pointee.elems else {
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        return UnsafeBufferPointer(start: base, count: Int(list.pointee.cnt))
    }

    /// Decodes partitions, ignoring offsets.
    static func partitions(of list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartition] {
        elements(of: list).map { element in
            KafkaTopicPartition(topic: String(optionalCString: element.topic) ?? "", partition: element.partition)
        }
    }

    /// Decodes partitions with offsets (`RD_KAFKA_OFFSET_INVALID` and other logical offsets become `nil`)
    /// and metadata.
    static func offsets(of list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartitionOffset] {
        elements(of: list).map { element in
            var metadata: String?
            if let bytes = element.metadata, element.metadata_size > 0 {
                let buffer = UnsafeRawBufferPointer(start: bytes, count: element.metadata_size)
                metadata = String(decoding: buffer, as: UTF8.self)
            }
            return KafkaTopicPartitionOffset(
                topic: String(optionalCString: element.topic) ?? "",
                partition: element.partition,
                offset: element.offset >= 0 ? element.offset : nil,
                metadata: metadata)
        }
    }

    /// The first per-partition error of a list, naming the partition.
    static func firstError(of list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> KafkaError? {
        for element in elements(of: list) where element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let topic = String(optionalCString: element.topic) ?? ""
            let text = String(cString: rd_kafka_err2str(element.err))
            return KafkaError.rdKafka(element.err, message: "\(topic)[\(element.partition)]: \(text)")
        }
        return nil
    }

    var partitions: [KafkaTopicPartition] { Self.partitions(of: handle) }
    var offsets: [KafkaTopicPartitionOffset] { Self.offsets(of: handle) }
    var firstError: KafkaError? { Self.firstError(of: handle) }
}
