internal import CRdKafka

/// A revocation the application has been told about but that is not applied yet.
struct PendingRevocation {
    /// librdkafka's list, copied out of the rebalance event (needed for `rd_kafka_incremental_unassign`).
    let partitions: RDKafkaTopicPartitionList
    /// Whether the group uses the cooperative (incremental) protocol.
    let incremental: Bool
}

extension KafkaConsumer {
    /// Whether a ``KafkaConsumerEvent/partitionsRevoked(_:)`` or ``KafkaConsumerEvent/partitionsLost(_:)``
    /// is waiting for ``completeRevocation()``.
    public var hasPendingRevocation: Bool {
        pendingRevocation != nil
    }

    /// The rebalance protocol the group settled on: `"EAGER"`, `"COOPERATIVE"`, or `"NONE"` before the first
    /// join (`rd_kafka_rebalance_protocol`). Each read is a request to librdkafka's main thread and a wait for its
    /// answer (an op on the group's queue): not for every turn of a loop.
    public var rebalanceProtocol: String {
        client.rebalanceProtocol
    }

    /// Applies the pending revocation: `rd_kafka_assign(NULL)` under the eager protocol, or
    /// `rd_kafka_incremental_unassign` of the revoked partitions under the cooperative one. The group's
    /// rebalance then proceeds. Call it once the revoked partitions' in-flight work is finished and committed.
    /// Does nothing when no revocation is pending. Non-blocking.
    public func completeRevocation() throws(KafkaError) {
        guard let pending = pendingRevocation else { return }
        pendingRevocation = nil
        discardHeldMessages(for: pending.partitions.partitions)
        if pending.incremental {
            if let error = rd_kafka_incremental_unassign(client.handle, pending.partitions.handle) {
                throw KafkaError.consuming(error)
            }
        } else {
            let err = rd_kafka_assign(client.handle, nil)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(err, message: "unassign") }
        }
    }

    /// Removes `partitions` from the assignment and adds them back without offsets, so that librdkafka fetches
    /// their committed offsets again; no request reaches the group. This is how a member of a cooperative group
    /// recovers partitions whose committed-offset fetch failed (``KafkaConsumerEvent/committedOffsetsUnavailable``):
    /// subscribing again would rejoin, and the sticky assignor would hand back the same partitions without
    /// fetching anything. Records of these partitions already fetched are dropped and read again. Finish and
    /// commit their in-flight work first. Non-blocking.
    ///
    /// - Throws: ``KafkaError/Code/invalidState`` unless the group uses the cooperative protocol.
    public func reassignFromCommittedOffsets(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try ensureOpen()
        guard rebalanceProtocol == "COOPERATIVE" else {
            throw KafkaError.invalidState("local reassignment needs the cooperative protocol")
        }
        let list = try RDKafkaTopicPartitionList(partitions: partitions)
        if let error = rd_kafka_incremental_unassign(client.handle, list.handle) { throw KafkaError.consuming(error) }
        discardHeldMessages(for: partitions)
        if let error = rd_kafka_incremental_assign(client.handle, list.handle) { throw KafkaError.consuming(error) }
    }

    /// Handles an `RD_KAFKA_EVENT_REBALANCE`: applies assignments at once, parks revocations.
    func handleRebalance(_ event: RDKafkaEvent, into events: inout [KafkaConsumerEvent]) {
        let incremental = rebalanceProtocol == "COOPERATIVE"
        guard let list = event.topicPartitionList else {
            events.append(.error(KafkaError.invalidState("rebalance event without a partition list")))
            return
        }
        let partitions = RDKafkaTopicPartitionList.partitions(of: list)
        switch event.errorCode {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            hasBeenAssigned = true
            if incremental {
                if let error = rd_kafka_incremental_assign(client.handle, list) {
                    events.append(.error(KafkaError.consuming(error)))
                }
            } else {
                let err = rd_kafka_assign(client.handle, list)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR { events.append(.error(KafkaError.rdKafka(err))) }
            }
            events.append(.partitionsAssigned(partitions))

        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(client.handle) != 0
            // A second revocation cannot arrive before the first is applied; apply a stale one defensively.
            if pendingRevocation != nil {
                do { try completeRevocation() } catch { events.append(.error(error)) }
            }
            do {
                let copy = try RDKafkaTopicPartitionList(copying: list)
                pendingRevocation = PendingRevocation(partitions: copy, incremental: incremental)
            } catch {
                // Without a copy the revocation cannot be delayed; apply it now so the group is not stuck.
                if incremental {
                    if let failure = rd_kafka_incremental_unassign(client.handle, list) {
                        events.append(.error(KafkaError.consuming(failure)))
                    }
                } else {
                    _ = rd_kafka_assign(client.handle, nil)
                }
                events.append(.error(error))
            }
            events.append(lost ? .partitionsLost(partitions) : .partitionsRevoked(partitions))

        default:
            // A failed rebalance: drop the assignment, as librdkafka's documentation prescribes.
            _ = rd_kafka_assign(client.handle, nil)
            events.append(.error(KafkaError.rdKafka(event.errorCode, message: event.errorText)))
        }
    }
}
