import Glibc

/// A non-blocking, close-on-exec pipe used as a readiness notification.
///
/// librdkafka writes one byte to ``writeDescriptor`` when an event lands on a previously empty queue
/// (`rd_kafka_queue_io_event_enable`); the caller watches ``readDescriptor`` with epoll. The pipe is used
/// rather than an eventfd because Glibc's Swift module does not export `eventfd`.
final class WakeupPipe {
    /// The end the caller polls for readability.
    let readDescriptor: Int32
    /// The end librdkafka (and ``signal()``) writes to.
    let writeDescriptor: Int32

    /// The one-byte payload librdkafka copies and writes on each wake-up.
    static let payload: [UInt8] = [1]

    init() throws(KafkaError) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw KafkaError.system("pipe", errno: errno)
        }
        for descriptor in descriptors {
            let flags = fcntl(descriptor, F_GETFL)
            if flags < 0 || fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) < 0
                || fcntl(descriptor, F_SETFD, FD_CLOEXEC) < 0
            {
                let saved = errno
                close(descriptors[0])
                close(descriptors[1])
                throw KafkaError.system("fcntl", errno: saved)
            }
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    /// Empties the pipe so that it is readable again only after the next wake-up. Never blocks.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readDescriptor, $0.baseAddress, $0.count) }
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            return  // 0 (impossible for a pipe we hold both ends of) or EAGAIN: empty.
        }
    }

    /// Makes the read end readable. Never blocks: a full pipe is already readable.
    func signal() {
        while true {
            let count = Self.payload.withUnsafeBytes { write(writeDescriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            return
        }
    }
}
