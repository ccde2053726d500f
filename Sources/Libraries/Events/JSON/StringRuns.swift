/// Finding the end of a run of string bytes that need no attention, eight bytes at a time: shared by the scanner
/// (which stops at anything but plain ASCII) and the writer (which stops only where an escape is due).
enum StringRuns {
    /// The index of the first byte from `start` on that is below 0x20, `"` or `\`, or (with `stopAtNonASCII`) at
    /// or above 0x80; `buffer.count` when there is none.
    ///
    /// SWAR: a byte of `word ^ pattern` is zero where the byte equals the pattern's, `word & 0xE0…` has a zero
    /// byte where the byte is below 0x20, and `(x - 0x01…) & ~x & 0x80…` is non-zero exactly when some byte of `x`
    /// is zero. Words that may hold a stop are finished a byte at a time.
    static func plainEnd(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, stopAtNonASCII: Bool) -> Int {
        var index = start
        if let base = UnsafeRawPointer(buffer.baseAddress) {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while index + 8 <= buffer.count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
                let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
                let control = word & (ones &* 0xE0)
                var stops =
                    ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((control &- ones) & ~control)
                if stopAtNonASCII { stops |= word }
                guard stops & highs == 0 else { break }
                index += 8
            }
        }
        while index < buffer.count {
            let byte = buffer[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return index }
            if stopAtNonASCII && byte >= 0x80 { return index }
            index += 1
        }
        return index
    }
}
