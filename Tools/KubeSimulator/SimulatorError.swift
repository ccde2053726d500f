/// An error from starting, configuring or controlling the simulator.
///
/// HTTP-level failures are never thrown: they are answered to the client as Kubernetes `Status` objects
/// (see ``APIStatus``). This type covers the host side: sockets, files, OpenSSL and bad arguments.
public struct SimulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a closed set of static constants (new codes do not break `switch`es).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// An OpenSSL call failed (key generation, signing, TLS context setup).
        public static let openSSL = Code("openSSL")
        /// A socket, epoll or thread call failed.
        public static let system = Code("system")
        /// Reading or writing a file failed.
        public static let file = Code("file")
        /// A configuration value or command-line argument is invalid.
        public static let invalidArgument = Code("invalidArgument")
        /// The requested object does not exist.
        public static let notFound = Code("notFound")
        /// The call does not fit the simulator's state (e.g. `start()` twice).
        public static let invalidState = Code("invalidState")
        /// A client-side request failed (``SimulatorClient``): connect, TLS, I/O or a malformed response.
        public static let transport = Code("transport")
        /// The server closed the connection before a complete response arrived.
        public static let connectionClosed = Code("connectionClosed")

        /// The code's name.
        public var description: String { name }
    }

    /// The error class.
    public let code: Code
    /// A human-readable explanation, including the failing call.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
