import Glibc

/// The permissions a credentials file (a kubeconfig with tokens or keys) must have: writable by its owner only,
/// readable by its owner (and group) only. A file others can write could point the worker at another cluster
/// or credential plugin; a file others can read leaks the credentials.
public enum CredentialFileCheck {
    /// What is wrong with the file's mode, if anything.
    public enum Finding: Equatable, Sendable {
        /// Others (or the group) can write it: refuse to use it.
        case writableByOthers(mode: String)
        /// Others can read it: use it, and warn.
        case readableByOthers(mode: String)
    }

    /// The finding for `path`, or `nil` when its mode is fine (or the file cannot be examined; loading it reports that).
    public static func examine(_ path: String) -> Finding? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mode = info.st_mode & 0o777
        let text = "0" + String(mode, radix: 8)
        if mode & 0o022 != 0 { return .writableByOthers(mode: text) }
        if mode & 0o004 != 0 { return .readableByOthers(mode: text) }
        return nil
    }
}
