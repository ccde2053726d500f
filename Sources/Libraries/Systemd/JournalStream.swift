import Glibc

/// The `JOURNAL_STREAM` variable systemd sets for a service whose stdout or stderr is connected to the
/// journal: `<device>:<inode>` of that stream (systemd.exec(5)). A process should log natively only when its
/// stderr is still that very stream — a child whose stderr was redirected inherits the variable too.
public struct JournalStream: Equatable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// Parses `<device>:<inode>` (two decimal numbers); `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            let device = UInt64(parts[0]), let inode = UInt64(parts[1])
        else { return nil }
        self.init(device: device, inode: inode)
    }

    /// The device and inode of an open descriptor, if it is open.
    public static func of(descriptor: Int32) -> JournalStream? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return JournalStream(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
