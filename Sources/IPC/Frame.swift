/// One decoded frame: its type byte and payload (the version has already been checked).
public struct Frame: Equatable, Sendable {
    /// The message type byte; its meaning depends on the direction.
    public var type: UInt8
    /// The payload bytes after the header.
    public var payload: ArraySlice<UInt8>

    public init(type: UInt8, payload: ArraySlice<UInt8>) {
        self.type = type
        self.payload = payload
    }

    /// Length prefix, version, type, payload.
    public static func encode(type: UInt8, payload: [UInt8], version: UInt8 = IPCProtocol.version) -> [UInt8] {
        let length = UInt32(payload.count + IPCProtocol.headerSize)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(IPCProtocol.lengthPrefixSize + Int(length))
        bytes.append(UInt8(truncatingIfNeeded: length >> 24))
        bytes.append(UInt8(truncatingIfNeeded: length >> 16))
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        bytes.append(UInt8(truncatingIfNeeded: length))
        bytes.append(version)
        bytes.append(type)
        bytes.append(contentsOf: payload)
        return bytes
    }
}
