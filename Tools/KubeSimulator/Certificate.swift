internal import COpenSSL

/// An X.509 certificate (`X509 *`), freed in `deinit`; also the place certificates are issued.
final class Certificate {
    /// The owned `X509 *`.
    let handle: OpaquePointer

    /// Takes ownership of `handle`.
    init(owning handle: OpaquePointer) { self.handle = handle }

    deinit { X509_free(handle) }

    /// Parses the first certificate in a PEM text.
    static func parse(pem: String) throws(SimulatorError) -> Certificate {
        let bio = try MemoryBIO(bytes: Array(pem.utf8))
        guard let x509 = PEM_read_bio_X509(bio.handle, nil, nil, nil) else {
            throw OpenSSLFailure.error("PEM_read_bio_X509")
        }
        return Certificate(owning: x509)
    }

    /// The certificate as PEM.
    func pem() throws(SimulatorError) -> String {
        let bio = try MemoryBIO()
        guard PEM_write_bio_X509(bio.handle, handle) == 1 else { throw OpenSSLFailure.error("PEM_write_bio_X509") }
        return bio.text()
    }

    /// The subject's common name (the Kubernetes user for client certificates).
    var commonName: String? { subjectEntries(nid: NID_commonName).first }

    /// The subject's organizations (the Kubernetes groups for client certificates).
    var organizations: [String] { subjectEntries(nid: NID_organizationName) }

    private func subjectEntries(nid: Int32) -> [String] {
        guard let name = X509_get_subject_name(handle) else { return [] }
        var values: [String] = []
        var index: Int32 = -1
        while values.count < 16 {
            index = X509_NAME_get_index_by_NID(name, nid, index)
            guard index >= 0, let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry),
                let bytes = ASN1_STRING_get0_data(data)
            else { break }
            let length = Int(ASN1_STRING_length(data))
            values.append(String(decoding: UnsafeBufferPointer(start: bytes, count: max(0, length)), as: UTF8.self))
        }
        return values
    }

    /// What to put in a new certificate.
    struct Template {
        /// Subject entries in order, e.g. `[("O", "system:masters"), ("CN", "k8s-worker")]`.
        var subject: [(field: String, value: String)]
        /// Validity in days from now (notBefore is backdated one hour for clock skew).
        var validDays: Int
        /// X.509v3 extensions as OpenSSL config strings, e.g. `(NID_basic_constraints, "critical,CA:TRUE")`.
        var extensions: [(nid: Int32, value: String)]
    }

    /// Issues a certificate for `key`, signed by `issuerKey`; self-signed when `issuer` is `nil`.
    static func issue(
        _ template: Template, key: PrivateKey, issuer: Certificate?, issuerKey: PrivateKey
    ) throws(SimulatorError) -> Certificate {
        guard let x509 = X509_new() else { throw OpenSSLFailure.error("X509_new") }
        let certificate = Certificate(owning: x509)
        guard X509_set_version(x509, 2) == 1 else { throw OpenSSLFailure.error("X509_set_version") }
        try assignRandomSerial(x509)
        guard X509_gmtime_adj(X509_getm_notBefore(x509), -3600) != nil,
            X509_gmtime_adj(X509_getm_notAfter(x509), template.validDays * 86_400) != nil
        else { throw OpenSSLFailure.error("X509_gmtime_adj") }
        guard X509_set_pubkey(x509, key.handle) == 1 else { throw OpenSSLFailure.error("X509_set_pubkey") }
        guard let subject = X509_get_subject_name(x509) else { throw OpenSSLFailure.error("X509_get_subject_name") }
        for entry in template.subject {
            let added = X509_NAME_add_entry_by_txt(subject, entry.field, MBSTRING_UTF8, entry.value, -1, -1, 0)
            guard added == 1 else { throw OpenSSLFailure.error("X509_NAME_add_entry_by_txt(\(entry.field))") }
        }
        let issuerName = issuer.flatMap { X509_get_subject_name($0.handle) } ?? subject
        guard X509_set_issuer_name(x509, issuerName) == 1 else { throw OpenSSLFailure.error("X509_set_issuer_name") }

        var context = X509V3_CTX()
        copenssl_x509v3_set_ctx_nodb(&context)
        X509V3_set_ctx(&context, issuer?.handle ?? x509, x509, nil, nil, 0)
        for (nid, value) in template.extensions {
            guard let extensionHandle = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw OpenSSLFailure.error("X509V3_EXT_conf_nid(\(nid), \(value))")
            }
            defer { X509_EXTENSION_free(extensionHandle) }
            guard X509_add_ext(x509, extensionHandle, -1) == 1 else { throw OpenSSLFailure.error("X509_add_ext") }
        }
        guard X509_sign(x509, issuerKey.handle, EVP_sha256()) > 0 else { throw OpenSSLFailure.error("X509_sign") }
        return certificate
    }

    /// A positive random 127-bit serial (RFC 5280 allows up to 20 octets).
    private static func assignRandomSerial(_ x509: OpaquePointer) throws(SimulatorError) {
        guard let number = BN_new() else { throw OpenSSLFailure.error("BN_new") }
        defer { BN_free(number) }
        guard BN_rand(number, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1,
            BN_to_ASN1_INTEGER(number, X509_get_serialNumber(x509)) != nil
        else { throw OpenSSLFailure.error("serial number") }
    }
}
