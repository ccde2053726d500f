internal import COpenSSL

/// An OpenSSL memory BIO, used to move PEM text in and out of OpenSSL. Freed in `deinit`.
final class MemoryBIO {
    /// The owned `BIO *`.
    let handle: OpaquePointer

    /// An empty BIO to write into.
    init() throws(SimulatorError) {
        guard let method = BIO_s_mem(), let bio = BIO_new(method) else { throw OpenSSLFailure.error("BIO_new") }
        handle = bio
    }

    /// A BIO holding a copy of `bytes`, to read from.
    convenience init(bytes: [UInt8]) throws(SimulatorError) {
        try self.init()
        guard bytes.count < Int(Int32.max) else { throw SimulatorError(.invalidArgument, "PEM input too large") }
        let written = bytes.withUnsafeBytes { BIO_write(handle, $0.baseAddress, Int32($0.count)) }
        guard written == bytes.count else { throw OpenSSLFailure.error("BIO_write") }
    }

    deinit { BIO_free(handle) }

    /// Everything written so far, as text.
    func text() -> String {
        var pointer: UnsafeMutablePointer<CChar>? = nil
        let length = copenssl_bio_get_mem_data(handle, &pointer)
        guard let pointer, length > 0 else { return "" }
        let buffer = UnsafeRawBufferPointer(start: pointer, count: Int(length))
        return String(decoding: buffer, as: UTF8.self)
    }
}
