/// Who holds the HTTP endpoint's connection slots: the policy that keeps `/healthz` and `/readyz` answered
/// whatever other clients do (README, "HTTP endpoint").
///
/// Pure: the server describes the connections it holds and the policy decides. Three rules:
/// - **A new connection always gets a chance.** When every slot is taken, the oldest connection that has not
///   sent a complete request head is closed to make room (then the oldest one lingering after its answer).
///   Clients that trickle bytes therefore only push each other out: a probe, whose head arrives in one packet,
///   is read and answered long before enough newer connections arrive to evict it.
/// - **One peer address holds at most ``maxPerPeer`` slots.** A peer at its limit makes room among its own
///   connections, so it cannot push out anybody else's.
/// - **``reservedSlots`` slots are never held by stalled answers.** An answer the client does not read stalls
///   in the socket; at most `maxConnections - reservedSlots` connections may wait like that. So there is always
///   an evictable slot, and a peer under its limit is never refused.
///
/// A new connection is refused (503) only when its own peer holds ``maxPerPeer`` connections that all wait for
/// the peer to read its answers.
public struct HTTPAdmission: Sendable {
    /// Where a connection is in its exchange.
    public enum Standing: Sendable, Equatable {
        /// The request head is not complete yet.
        case awaitingHead
        /// The answer waits for the client to read (the socket's buffer is full).
        case sending
        /// The answer is handed to the kernel; the connection only discards what the client still sends.
        case lingering
    }

    /// One connection the server holds.
    public struct Holder: Sendable, Equatable {
        public var id: UInt32
        public var peer: HTTPPeer
        /// Accept order: lower is older.
        public var order: UInt64
        public var standing: Standing

        public init(id: UInt32, peer: HTTPPeer, order: UInt64, standing: Standing) {
            self.id = id
            self.peer = peer
            self.order = order
            self.standing = standing
        }
    }

    /// Why the server closed a connection before its exchange was over (the `reason` label of
    /// `k8s_worker_http_connections_cut_total`).
    public enum Cut: String, Sendable, CaseIterable {
        /// Evicted to make room for a newer connection: every slot was taken.
        case serverFull = "server_full"
        /// Evicted to make room for a newer connection from the same peer, which was at its limit.
        case peerLimit = "peer_limit"
        /// The request head did not arrive in time.
        case headTimeout = "head_timeout"
        /// The client did not read its answer: not within the answer timeout, or while the stalled answers
        /// already filled every slot not reserved.
        case answerStalled = "answer_stalled"
    }

    /// What to do with a new connection.
    public enum Decision: Sendable, Equatable {
        case admit
        /// Close `id` (counted under `reason`), then admit.
        case evict(UInt32, Cut)
        /// Answer 503 and close the new connection.
        case refuse
    }

    public let maxConnections: Int
    public let maxPerPeer: Int
    public let reservedSlots: Int

    /// `maxPerPeer` is clamped to `1...maxConnections`, `reservedSlots` to `1...maxConnections - 1` (at least
    /// two connections).
    public init(maxConnections: Int = 16, maxPerPeer: Int = 4, reservedSlots: Int = 4) {
        self.maxConnections = max(2, maxConnections)
        self.maxPerPeer = min(max(1, maxPerPeer), self.maxConnections)
        self.reservedSlots = min(max(1, reservedSlots), self.maxConnections - 1)
    }

    /// The most connections that may wait for their client to read the answer.
    public var maxStalled: Int { maxConnections - reservedSlots }

    /// Decides on a new connection from `peer` while `holders` are open.
    public func admit(from peer: HTTPPeer, holders: some Collection<Holder>) -> Decision {
        let own = holders.filter { $0.peer == peer }
        if own.count >= maxPerPeer {
            return Self.oldestEvictable(in: own).map { .evict($0, .peerLimit) } ?? .refuse
        }
        if holders.count >= maxConnections {
            return Self.oldestEvictable(in: holders).map { .evict($0, .serverFull) } ?? .refuse
        }
        return .admit
    }

    /// Whether one more answer may wait for its client when `stalled` others already do; if not, that
    /// connection is cut (``Cut/answerStalled``).
    public func mayStall(whileStalled stalled: Int) -> Bool { stalled < maxStalled }

    /// The oldest connection without a complete head, else the oldest lingering one.
    static func oldestEvictable(in holders: some Collection<Holder>) -> UInt32? {
        let waiting = holders.filter { $0.standing == .awaitingHead }
        let candidates = waiting.isEmpty ? holders.filter { $0.standing == .lingering } : waiting
        return candidates.min { $0.order < $1.order }?.id
    }
}
