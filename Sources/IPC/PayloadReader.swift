/// Reads what ``PayloadWriter`` wrote, refusing to read past the end.
public struct PayloadReader {
    private let bytes: ArraySlice<UInt8>
    private var index: Int

    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    /// Whether every byte has been consumed.
    public var isAtEnd: Bool { index == bytes.endIndex }

    private mutating func take(_ count: Int, _ field: StaticString) throws(IPCError) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.endIndex - index >= count else {
            throw IPCError(.malformedPayload, "payload ends inside \(field)")
        }
        defer { index += count }
        return bytes[index..<index + count]
    }

    public mutating func readUInt8(_ field: StaticString) throws(IPCError) -> UInt8 {
        try take(1, field).first ?? 0
    }

    public mutating func readBool(_ field: StaticString) throws(IPCError) -> Bool {
        switch try readUInt8(field) {
        case 0: return false
        case 1: return true
        default: throw IPCError(.malformedPayload, "\(field) is not a boolean")
        }
    }

    public mutating func readUInt16(_ field: StaticString) throws(IPCError) -> UInt16 {
        try take(2, field).reduce(0) { $0 << 8 | UInt16($1) }
    }

    public mutating func readUInt32(_ field: StaticString) throws(IPCError) -> UInt32 {
        try take(4, field).reduce(0) { $0 << 8 | UInt32($1) }
    }

    public mutating func readUInt64(_ field: StaticString) throws(IPCError) -> UInt64 {
        try take(8, field).reduce(0) { $0 << 8 | UInt64($1) }
    }

    public mutating func readInt32(_ field: StaticString) throws(IPCError) -> Int32 {
        Int32(bitPattern: try readUInt32(field))
    }

    public mutating func readBytes(_ field: StaticString) throws(IPCError) -> [UInt8] {
        let count = Int(try readUInt32(field))
        return Array(try take(count, field))
    }

    /// A length-prefixed string; invalid UTF-8 is an error, not a repaired string.
    public mutating func readString(_ field: StaticString) throws(IPCError) -> String {
        let count = Int(try readUInt32(field))
        let slice = try take(count, field)
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw IPCError(.malformedPayload, "\(field) is not valid UTF-8")
        }
        return string
    }

    /// Fails when bytes are left over after the last field.
    public func expectEnd(_ message: StaticString) throws(IPCError) {
        guard isAtEnd else {
            throw IPCError(.malformedPayload, "\(bytes.endIndex - index) stray bytes after \(message)")
        }
    }
}
