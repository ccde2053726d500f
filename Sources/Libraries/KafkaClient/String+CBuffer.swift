extension String {
    /// Decodes a NUL-terminated C character buffer (such as librdkafka's `errstr`) as UTF-8, repairing invalid
    /// sequences. Stops at the first NUL or at the end of the buffer.
    init(nulTerminated buffer: [CChar]) {
        let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        self = String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes a C string that may be NULL.
    init?(optionalCString pointer: UnsafePointer<CChar>?) {
        guard let pointer else { return nil }
        self = String(cString: pointer)
    }
}
