internal import CLinux
import Glibc

/// A few 64-bit words that several processes can map and update atomically: one memory page from
/// `memfd_create(2)`, mapped `MAP_SHARED` (mmap(2)), whose descriptor a child inherits; or the same words in
/// private memory for a process alone. The words start at zero.
///
/// Every access is a sequentially consistent atomic (CLinux's `__atomic` builtins), so processes need no lock:
/// the state they share must be designed for compare-and-exchange (the API rate limit is, see
/// `KubeClient`'s `RateLimitState`). The mapping lives as long as this object; closing the descriptor does not
/// end it.
public final class SharedWords: @unchecked Sendable {
    /// How many words there are.
    public let count: Int
    /// The memfd a child can inherit (close-on-exec here; a spawn's `dup2` clears that on the child's copy), or
    /// `nil` for private words.
    public let descriptor: Int32?
    private let base: UnsafeMutablePointer<UInt64>
    private let length: Int

    /// Why a page could not be created or mapped.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// A fresh shared page of `count` words (at most a page's worth), named `name` in `/proc/<pid>/fd`.
    public static func shared(count: Int, name: String) throws(Failure) -> SharedWords {
        let length = pageLength(count)
        let fd = clinux_memfd_create_cloexec(name)
        guard fd >= 0 else { throw Failure(description: "memfd_create: \(String(cString: strerror(errno)))") }
        guard ftruncate(fd, off_t(length)) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "ftruncate of the shared page: \(reason)")
        }
        do throws(Failure) {
            return try SharedWords(descriptor: fd, count: count, length: length)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Maps the page on an inherited `descriptor`, which must hold at least `count` words. The descriptor stays
    /// open (it is the page's name in this process; the supervisor's children inherit nothing of it).
    public static func mapping(descriptor: Int32, count: Int) throws(Failure) -> SharedWords {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw Failure(description: "descriptor \(descriptor): \(String(cString: strerror(errno)))")
        }
        guard status.st_size >= count * MemoryLayout<UInt64>.stride else {
            throw Failure(description: "descriptor \(descriptor) holds \(status.st_size) bytes, not a shared page")
        }
        return try SharedWords(descriptor: descriptor, count: count, length: Int(status.st_size))
    }

    /// `count` words in this process's memory only.
    public static func local(count: Int) -> SharedWords {
        SharedWords(privateCount: count)
    }

    private init(descriptor: Int32, count: Int, length: Int) throws(Failure) {
        guard let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
            address != MAP_FAILED
        else {
            throw Failure(description: "mmap of the shared page: \(String(cString: strerror(errno)))")
        }
        self.count = count
        self.length = length
        self.descriptor = descriptor
        base = address.bindMemory(to: UInt64.self, capacity: count)
    }

    private init(privateCount count: Int) {
        self.count = count
        length = 0
        descriptor = nil
        base = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        base.initialize(repeating: 0, count: count)
    }

    deinit {
        if length > 0 {
            munmap(base, length)
        } else {
            base.deallocate()
        }
    }

    private static func pageLength(_ count: Int) -> Int {
        let page = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))
        let bytes = count * MemoryLayout<UInt64>.stride
        return (bytes + page - 1) / page * page
    }

    private func word(_ index: Int) -> UnsafeMutablePointer<UInt64> {
        precondition(index >= 0 && index < count, "shared word \(index) is outside 0..<\(count)")
        return base + index
    }

    public func load(_ index: Int) -> UInt64 { clinux_atomic_load(word(index)) }

    public func store(_ index: Int, _ value: UInt64) { clinux_atomic_store(word(index), value) }

    /// Adds `value` (wrapping); returns the previous value.
    @discardableResult
    public func add(_ index: Int, _ value: UInt64) -> UInt64 { clinux_atomic_add(word(index), value) }

    /// Stores `desired` if the word still holds `expected`. Returns whether it did.
    public func compareExchange(_ index: Int, expected: UInt64, desired: UInt64) -> Bool {
        var expected = expected
        return clinux_atomic_compare_exchange(word(index), &expected, desired)
    }

    /// Raises the word to `value` if it is lower (a compare-and-exchange loop). Returns the value it holds after.
    @discardableResult
    public func raise(_ index: Int, to value: UInt64) -> UInt64 {
        var current = load(index)
        while current < value {
            if compareExchange(index, expected: current, desired: value) { return value }
            current = load(index)
        }
        return current
    }
}
