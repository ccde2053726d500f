/// Everything that can go wrong on a worker connection.
///
/// Every case is a reason to close that one connection; none of them is a reason to stop the supervisor.
public struct IPCError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, as a closed set of static constants.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        public var description: String { raw }

        /// The length prefix announces more than the configured maximum.
        public static let oversizedFrame = Code("oversized frame")
        /// The length prefix is too small to hold the frame header.
        public static let runtFrame = Code("runt frame")
        /// The frame carries a protocol version this build does not speak.
        public static let wrongVersion = Code("wrong protocol version")
        /// The message type byte is not known for this direction.
        public static let unknownMessage = Code("unknown message type")
        /// The payload ended before a field was complete, or has bytes left over.
        public static let malformedPayload = Code("malformed payload")
        /// The stream ended in the middle of a frame.
        public static let truncatedStream = Code("stream ended inside a frame")
        /// A blocking read was interrupted by a signal before any frame arrived.
        public static let interrupted = Code("interrupted by a signal")
        /// A read or write on the socket failed.
        public static let io = Code("i/o error")
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable detail (never payload bytes).
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }

    public static func == (lhs: IPCError, rhs: IPCError) -> Bool { lhs.code == rhs.code }
}
