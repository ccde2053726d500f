internal import COpenSSL

/// An `EVP_PKEY` (the simulator uses ECDSA P-256: fast to generate and to handshake). Freed in `deinit`.
final class PrivateKey {
    /// The owned `EVP_PKEY *`.
    let handle: OpaquePointer

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { EVP_PKEY_free(handle) }

    /// A fresh P-256 key.
    static func generateP256() throws(SimulatorError) -> PrivateKey {
        guard let key = copenssl_generate_ec_p256_key() else {
            throw OpenSSLFailure.error("EVP_PKEY_Q_keygen(EC, P-256)")
        }
        return PrivateKey(handle: key)
    }

    /// Parses a PEM private key (PKCS#8 or traditional).
    static func parse(pem: String) throws(SimulatorError) -> PrivateKey {
        let bio = try MemoryBIO(bytes: Array(pem.utf8))
        guard let key = PEM_read_bio_PrivateKey(bio.handle, nil, nil, nil) else {
            throw OpenSSLFailure.error("PEM_read_bio_PrivateKey")
        }
        return PrivateKey(handle: key)
    }

    /// The key as unencrypted PKCS#8 PEM (`BEGIN PRIVATE KEY`).
    func pem() throws(SimulatorError) -> String {
        let bio = try MemoryBIO()
        guard PEM_write_bio_PrivateKey(bio.handle, handle, nil, nil, 0, nil, nil) == 1 else {
            throw OpenSSLFailure.error("PEM_write_bio_PrivateKey")
        }
        return bio.text()
    }
}
