import Platform

/// Bearer tokens (fixed, plus a token file re-read when it changes) and verified client certificates.
///
/// Thread-safe: the fixed tokens are immutable; the token-file cache lives behind a lock.
final class Authenticator: Sendable {
    private struct FileCache {
        var stamp: [Int]?
        var tokens: [String] = []
    }

    private let tokens: [String]
    private let adminToken: String
    private let tokenUser: String
    private let groups: [String]
    private let tokenFile: String?
    private let cache = Locked(FileCache())

    init(tokens: [String], adminToken: String, tokenFile: String?, tokenUser: String, groups: [String]) {
        self.tokens = tokens
        self.adminToken = adminToken
        self.tokenFile = tokenFile
        self.tokenUser = tokenUser
        self.groups = groups
    }

    /// The identity for an `Authorization` header and a verified peer certificate, or `nil` (401).
    /// A verified client certificate wins over any token, as in the API server's authenticator chain.
    func authenticate(authorization: String?, peer: (commonName: String, organizations: [String])?) -> Identity? {
        if let peer {
            return Identity(
                user: peer.commonName, groups: peer.organizations + ["system:authenticated"], isAdmin: false)
        }
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let presented = Array(parts[1].trimmingSpaces.utf8)
        guard !presented.isEmpty else { return nil }
        if Self.constantTimeEqual(presented, Array(adminToken.utf8)) {
            return Identity(user: "sim-admin", groups: ["system:masters", "system:authenticated"], isAdmin: true)
        }
        let known = tokens + fileTokens()
        if known.contains(where: { Self.constantTimeEqual(presented, Array($0.utf8)) }) {
            return Identity(user: tokenUser, groups: groups + ["system:authenticated"], isAdmin: false)
        }
        return nil
    }

    /// The token file's tokens (one per non-empty line), re-read when its inode, size or mtime changes.
    private func fileTokens() -> [String] {
        guard let tokenFile else { return [] }
        let stamp = FileIO.stamp(tokenFile)
        return cache.withLock { cache in
            if cache.stamp == stamp { return cache.tokens }
            cache.stamp = stamp
            let bytes = (try? FileIO.read(tokenFile, limit: 64 * 1024)) ?? []
            cache.tokens = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" })
                .map { $0.trimmingSpaces }.filter { !$0.isEmpty }
            return cache.tokens
        }
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            difference |= (index < lhs.count ? lhs[index] : 0) ^ (index < rhs.count ? rhs[index] : 0)
        }
        return difference == 0
    }
}
