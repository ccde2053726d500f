import Testing

@testable import KafkaIngest

/// `kafka.group_instance_id`: stable, never random, never the machine id itself.
@Suite struct GroupInstanceIdentityTests {
    let machineID = "4c1f0e2a9b7d4e3f8a6b5c4d3e2f1a0b"

    func resolve(
        _ setting: String = "auto", group: String = "k8s-worker", pod: String? = nil, namespace: String? = nil,
        machine: String? = nil, host: String = "node-7"
    ) -> String? {
        GroupInstanceIdentity.resolve(
            setting: setting, groupID: group, podName: pod, podNamespace: namespace, machineID: machine, hostname: host)
    }

    @Test func noneMeansDynamicMembershipAndAnythingElseIsTakenAsGiven() {
        #expect(resolve("none", pod: "p", machine: machineID) == nil)
        #expect(resolve("worker-a", pod: "p", machine: machineID) == "worker-a")
    }

    @Test func aPodIsNamedByItsNamespaceAndName() {
        #expect(
            resolve(pod: "k8s-worker-0", namespace: "integr8scode", machine: machineID) == "integr8scode.k8s-worker-0")
        #expect(resolve(pod: "k8s-worker-0", machine: machineID) == "k8s-worker-0")
        #expect(resolve(pod: " ", machine: machineID)?.hasPrefix("node-7-") == true, "a blank POD_NAME is not a name")
    }

    @Test func aHostIsNamedByItsNameAndADigestOfItsMachineID() throws {
        let identity = try #require(resolve(machine: machineID))
        #expect(identity.hasPrefix("node-7-"))
        #expect(identity.count == "node-7-".count + 16)
        #expect(!identity.contains(machineID.prefix(8)), "machine-id(5): the id itself is not exposed")
        #expect(resolve(machine: machineID) == identity, "the same on every start")
        #expect(resolve(machine: "0" + machineID.dropFirst()) != identity, "hosts that share a name stay apart")
        #expect(resolve(group: "other", machine: machineID) != identity, "and differs per group")
    }

    @Test func withoutMachineIDTheHostNameAloneAndWhatKafkaRefusesIsReplaced() {
        #expect(resolve(host: "web-1") == "web-1")
        #expect(resolve(pod: "a b/c:d") == "a-b-c-d")
        #expect(resolve(host: "") == "k8s-worker")
        #expect(resolve(host: String(repeating: "x", count: 300))?.count == 249)
    }
}
