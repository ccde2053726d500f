import SupervisorCore
import Testing

/// The HTTP endpoint's slot policy: who is admitted, who is evicted for whom, and that probes cannot be starved.
@Suite struct HTTPAdmissionTests {
    static func peer(_ last: Int) -> HTTPPeer { HTTPPeer("10.0.0.\(last)")! }

    /// `count` holders from `peer`, ids and accept order starting at `first`.
    static func holders(
        _ count: Int, peer: Int, from first: Int, _ standing: HTTPAdmission.Standing = .awaitingHead
    ) -> [HTTPAdmission.Holder] {
        (first..<first + count).map {
            HTTPAdmission.Holder(id: UInt32($0), peer: Self.peer(peer), order: UInt64($0), standing: standing)
        }
    }

    let policy = HTTPAdmission(maxConnections: 16, maxPerPeer: 4, reservedSlots: 4)

    @Test func admitsWhileThereIsRoomAndThePeerIsUnderItsLimit() {
        #expect(policy.admit(from: Self.peer(1), holders: []) == .admit)
        let held =
            Self.holders(3, peer: 1, from: 0) + Self.holders(4, peer: 2, from: 3) + Self.holders(4, peer: 3, from: 7)
        #expect(policy.admit(from: Self.peer(1), holders: held) == .admit)
        #expect(policy.admit(from: Self.peer(4), holders: held) == .admit)
    }

    @Test func aFullServerEvictsTheOldestConnectionWithoutAHead() {
        // Peers 1–4 hold four slots each; the oldest awaiting a head is id 2 (ids 0 and 1 are being answered).
        var held =
            Self.holders(4, peer: 1, from: 0) + Self.holders(4, peer: 2, from: 4) + Self.holders(4, peer: 3, from: 8)
            + Self.holders(4, peer: 4, from: 12)
        held[0].standing = .sending
        held[1].standing = .lingering
        #expect(policy.admit(from: Self.peer(9), holders: held) == .evict(2, .serverFull))
        // Order decides, not id: the connection accepted first goes.
        held[15].order = 1
        #expect(policy.admit(from: Self.peer(9), holders: held) == .evict(15, .serverFull))
    }

    @Test func withNoHeadPendingTheOldestLingeringConnectionGoesButNeverAnAnswerInFlight() {
        var held = Self.holders(12, peer: 1, from: 0, .sending).enumerated().map { index, holder in
            var holder = holder
            holder.peer = Self.peer(index % 4)
            return holder
        }
        held += Self.holders(4, peer: 5, from: 12, .lingering)
        held[13].order = 20
        #expect(policy.admit(from: Self.peer(9), holders: held) == .evict(12, .serverFull))
        let allSending = held.map { holder in
            var holder = holder
            holder.standing = .sending
            return holder
        }
        #expect(policy.admit(from: Self.peer(9), holders: allSending) == .refuse)
    }

    @Test func aPeerAtItsLimitMakesRoomAmongItsOwnConnectionsOnly() {
        // Peer 2's connections are older than peer 1's, and the server is not full.
        let held = Self.holders(3, peer: 2, from: 0) + Self.holders(4, peer: 1, from: 3)
        #expect(policy.admit(from: Self.peer(1), holders: held) == .evict(3, .peerLimit))
        // Its connections waiting for a head go before its lingering ones, whatever their age.
        var mixed = held
        mixed[3].standing = .lingering
        mixed[4].standing = .sending
        #expect(policy.admit(from: Self.peer(1), holders: mixed) == .evict(5, .peerLimit))
        // A peer whose every slot waits for it to read its answers is refused, not given a fifth slot.
        let stalled = Self.holders(3, peer: 2, from: 0) + Self.holders(4, peer: 1, from: 3, .sending)
        #expect(policy.admit(from: Self.peer(1), holders: stalled) == .refuse)
        #expect(policy.admit(from: Self.peer(2), holders: stalled) == .admit)
    }

    @Test func stalledAnswersNeverTakeTheReservedSlots() {
        #expect(policy.maxStalled == 12)
        #expect(policy.mayStall(whileStalled: 0))
        #expect(policy.mayStall(whileStalled: 11))
        #expect(!policy.mayStall(whileStalled: 12))
    }

    @Test func limitsAreClampedToAWorkableRange() {
        let tiny = HTTPAdmission(maxConnections: 0, maxPerPeer: 0, reservedSlots: 0)
        #expect(tiny.maxConnections == 2 && tiny.maxPerPeer == 1 && tiny.reservedSlots == 1)
        let lopsided = HTTPAdmission(maxConnections: 8, maxPerPeer: 20, reservedSlots: 8)
        #expect(lopsided.maxPerPeer == 8 && lopsided.reservedSlots == 7 && lopsided.maxStalled == 1)
    }

    /// Slowloris from many addresses: every slot holds a trickling connection when a probe arrives. The probe
    /// gets a slot and keeps it while the next `maxConnections - 1` attacking connections arrive, far longer
    /// than its one-packet head needs.
    @Test func aNewcomerOutlivesTheNextFullRoundOfArrivals() {
        var held = (0..<16).map {
            HTTPAdmission.Holder(id: UInt32($0), peer: Self.peer($0 % 4), order: UInt64($0), standing: .awaitingHead)
        }
        var order: UInt64 = 16
        func arrive(_ peer: HTTPPeer) -> UInt32 {
            let id = UInt32(order)
            switch policy.admit(from: peer, holders: held) {
            case .admit: break
            case .evict(let victim, _): held.removeAll { $0.id == victim }
            case .refuse: Issue.record("refused \(peer)")
            }
            held.append(HTTPAdmission.Holder(id: id, peer: peer, order: order, standing: .awaitingHead))
            order += 1
            return id
        }
        let probe = arrive(HTTPPeer("192.168.1.1")!)
        for index in 0..<15 {
            _ = arrive(Self.peer(100 + index))
            #expect(held.contains { $0.id == probe }, "evicted after \(index + 1) arrivals")
        }
        _ = arrive(Self.peer(200))
        #expect(!held.contains { $0.id == probe }, "the oldest waiting connection goes in its turn")
    }

    /// Random connections, heads, stalls and closes from a handful of peers, replayed from a seed. Whatever
    /// happens, the bounds hold and a peer under its limit is never refused.
    @Test(arguments: [1, 2, 3, 42] as [UInt64])
    func boundsHoldAndAPeerUnderItsLimitIsNeverRefused(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var held: [HTTPAdmission.Holder] = []
        var order: UInt64 = 0
        for _ in 0..<5_000 {
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<5:
                let peer = Self.peer(Int.random(in: 0..<6, using: &generator))
                let underLimit = held.count(where: { $0.peer == peer }) < policy.maxPerPeer
                switch policy.admit(from: peer, holders: held) {
                case .admit:
                    #expect(held.count < policy.maxConnections && underLimit)
                case .evict(let victim, let reason):
                    let evicted = held.first { $0.id == victim }
                    #expect(evicted?.standing != .sending)
                    #expect(reason == (underLimit ? .serverFull : .peerLimit))
                    #expect(reason == .serverFull || evicted?.peer == peer)
                    held.removeAll { $0.id == victim }
                case .refuse:
                    #expect(!underLimit, "peer \(peer) holds \(held.count { $0.peer == peer })")
                    continue
                }
                held.append(
                    HTTPAdmission.Holder(
                        id: UInt32(truncatingIfNeeded: order), peer: peer, order: order, standing: .awaitingHead))
                order += 1
            case 5..<8:
                // A head completes: the answer is handed over, or stalls if the policy lets it.
                guard
                    let index = held.indices.filter({ held[$0].standing == .awaitingHead }).randomElement(
                        using: &generator)
                else { continue }
                if Bool.random(using: &generator) {
                    held[index].standing = .lingering
                } else if policy.mayStall(whileStalled: held.count { $0.standing == .sending }) {
                    held[index].standing = .sending
                } else {
                    held.remove(at: index)
                }
            default:
                if !held.isEmpty { held.remove(at: Int.random(in: 0..<held.count, using: &generator)) }
            }
            #expect(held.count <= policy.maxConnections)
            #expect(held.count { $0.standing == .sending } <= policy.maxStalled)
            #expect(Dictionary(grouping: held, by: \.peer).values.allSatisfy { $0.count <= policy.maxPerPeer })
        }
    }

    @Test func peersAreAddressesAndAnIPv4MappedAddressIsItsIPv4Peer() {
        #expect(HTTPPeer("10.1.2.3")?.bytes == [10, 1, 2, 3])
        #expect(HTTPPeer("::ffff:10.1.2.3") == HTTPPeer("10.1.2.3"))
        #expect(HTTPPeer("::ffff:10.1.2.3")?.description == "10.1.2.3")
        #expect(HTTPPeer("fd00::7")?.bytes.count == 16)
        #expect(HTTPPeer("fd00::7")?.description == "fd00::7")
        #expect(HTTPPeer("fd00::7") != HTTPPeer("fd00::8"))
        #expect(HTTPPeer("example.com") == nil)
        #expect(HTTPPeer(bytes: [1, 2, 3]) == nil)
    }
}
