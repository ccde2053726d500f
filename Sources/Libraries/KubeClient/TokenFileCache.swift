/// A bearer token file (kubeconfig `tokenFile`, the projected service-account token) that is re-read when it
/// changes: its inode, size or mtime are checked at most once per ``checkInterval`` (the kubelet replaces the
/// file atomically, which changes the inode), and unconditionally after a 401.
///
/// A value type: ``CredentialProvider`` keeps it behind its lock.
struct TokenFileCache: Sendable {
    /// The file.
    let path: String
    /// How often the file's stamp is compared (client-go re-reads every minute; a `stat` is cheaper).
    let checkInterval: UInt64 = 1_000_000_000
    private(set) var token: String?
    private var stamp: ConfigFiles.Stamp?
    private var lastCheck: UInt64 = 0
    private var checked = false

    init(path: String) {
        self.path = path
    }

    /// The current token, re-reading the file when due (`force`: now). Returns whether the token changed.
    /// A file that cannot be read keeps the last good token, if there is one.
    mutating func refresh(now: UInt64, force: Bool) throws(KubeAPIError) -> Bool {
        guard force || !checked || now &- lastCheck >= checkInterval else { return false }
        checked = true
        lastCheck = now
        let current = ConfigFiles.stamp(path)
        guard force || token == nil || current != stamp else { return false }
        do {
            let bytes = try ConfigFiles.read(path, purpose: "token file", limit: 64 * 1024)
            let fresh = try ConfigFiles.token(
                from: String(decoding: bytes, as: UTF8.self), origin: "token file \(path)")
            stamp = current
            let changed = fresh != token
            token = fresh
            return changed
        } catch {
            if token == nil { throw error }
            return false
        }
    }
}
