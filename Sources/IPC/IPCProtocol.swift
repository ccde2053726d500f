/// Constants of the supervisor–worker protocol.
///
/// A frame on the socket is:
///
/// ```
/// +----------------+---------+------+-----------------+
/// | length: UInt32 | version | type | payload ...     |
/// | big endian     | UInt8   | UInt8| length-2 bytes  |
/// +----------------+---------+------+-----------------+
/// ```
///
/// `length` counts everything after itself. Payload fields are encoded with ``PayloadWriter``.
public enum IPCProtocol {
    /// The one version this build speaks. A peer sending anything else is disconnected.
    /// Version 2 added the dispatch's log context and the worker's statistics message; version 3 the dispatch's
    /// expiry and create-attempt budget, the create attempts a retry-later reports, and the given-up creations
    /// in the statistics.
    public static let version: UInt8 = 3
    /// Bytes of the length prefix.
    public static let lengthPrefixSize = 4
    /// Bytes of version + type.
    public static let headerSize = 2
    /// Default upper bound on `length`: a ConfigMap holds at most 1 MiB, so 8 MiB leaves ample room.
    public static let defaultMaxFrameSize = 8 << 20
    /// The descriptor number on which a worker finds its end of the socket pair.
    public static let workerDescriptor: Int32 = 3
}
