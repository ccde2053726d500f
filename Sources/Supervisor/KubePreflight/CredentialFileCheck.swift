import Glibc

/// What a credentials file (a kubeconfig with tokens or keys) must look like before the service uses it, in the
/// spirit of OpenSSH's StrictModes:
/// - it belongs to the service's user or root, and neither the group nor others can write it (whoever can write
///   it can point the service at another cluster or a credential plugin of their choosing);
/// - every directory above it belongs to the service's user or root and cannot be written by the group or others,
///   unless it is sticky (`/tmp`): whoever can write a directory can replace the file in it;
/// - others should not be able to read it (it leaks the credentials): a warning, not a refusal.
/// Symbolic links are resolved first, so the file and directories checked are the real ones (a Kubernetes Secret
/// volume's `..data` links included).
public enum CredentialFileCheck {
    /// What is wrong with the file, if anything. Every case but `readableByOthers` refuses the file.
    public enum Finding: Equatable, Sendable {
        /// The group or others can write it.
        case writableByOthers(mode: String)
        /// Another user owns it.
        case ownedByOther(uid: UInt32)
        /// A directory above it is writable by the group or others (and not sticky), or belongs to another user.
        case unsafeDirectory(path: String, reason: String)
        /// Others can read it: use it, and warn.
        case readableByOthers(mode: String)

        /// Whether the file must not be used.
        public var refuses: Bool {
            if case .readableByOthers = self { return false }
            return true
        }

        /// One line for the log or the refusal.
        public var description: String {
            switch self {
            case .writableByOthers(let mode): "it is writable by others (mode \(mode)): chmod go-w it"
            case .ownedByOther(let uid): "it belongs to uid \(uid), not to this service's user or root: chown it"
            case .unsafeDirectory(let path, let reason): "its directory \(path) \(reason)"
            case .readableByOthers(let mode): "it is readable by others (mode \(mode)): chmod o-r it"
            }
        }
    }

    /// The most serious finding for `path`, or `nil` when all is well (or the file cannot be examined: loading it
    /// reports that). `trustedOwners`: the users who may own the file and its directories.
    public static func examine(_ path: String, trustedOwners: Set<UInt32> = [0, UInt32(geteuid())]) -> Finding? {
        guard let resolved = realpath(path, nil) else { return nil }
        let real = String(cString: resolved)
        free(resolved)
        var info = stat()
        guard stat(real, &info) == 0 else { return nil }
        let mode = info.st_mode & 0o777
        if !trustedOwners.contains(info.st_uid) { return .ownedByOther(uid: info.st_uid) }
        if mode & 0o022 != 0 { return .writableByOthers(mode: octal(mode)) }
        var directory = parent(of: real)
        while let current = directory {
            var entry = stat()
            guard stat(current, &entry) == 0 else { break }
            if !trustedOwners.contains(entry.st_uid) {
                return .unsafeDirectory(path: current, reason: "belongs to uid \(entry.st_uid)")
            }
            if entry.st_mode & 0o022 != 0 && entry.st_mode & S_ISVTX == 0 {
                return .unsafeDirectory(
                    path: current, reason: "is writable by others (mode \(octal(entry.st_mode & 0o7777)))")
            }
            directory = parent(of: current)
        }
        if mode & 0o004 != 0 { return .readableByOthers(mode: octal(mode)) }
        return nil
    }

    private static func octal(_ mode: mode_t) -> String { "0" + String(mode, radix: 8) }

    /// The directory holding `path` (absolute, resolved), or `nil` above `/`.
    private static func parent(of path: String) -> String? {
        guard path != "/", let slash = path.lastIndex(of: "/") else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
