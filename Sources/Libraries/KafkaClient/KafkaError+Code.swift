internal import CRdKafka

extension KafkaError {
    /// The kind of a ``KafkaError``: either a librdkafka response error (`rd_kafka_resp_err_t`, local codes are
    /// negative, broker codes positive) or a wrapper-level code. Match on the static constants.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case rdKafka(Int32)
            case configuration
            case invalidState
            case system
        }

        private let backing: Backing

        private init(_ backing: Backing) {
            self.backing = backing
        }

        /// Wraps a raw librdkafka response error value (the numeric value of `rd_kafka_resp_err_t`).
        public init(rdKafkaValue: Int32) {
            self.backing = .rdKafka(rdKafkaValue)
        }

        init(_ err: rd_kafka_resp_err_t) {
            self.backing = .rdKafka(err.rawValue)
        }

        /// The librdkafka response error value, or `nil` for wrapper-level codes.
        public var rdKafkaValue: Int32? {
            if case .rdKafka(let value) = backing { return value }
            return nil
        }

        /// The librdkafka error as a C value, or `nil` for wrapper-level codes.
        var rdKafkaError: rd_kafka_resp_err_t? {
            rdKafkaValue.map { rd_kafka_resp_err_t(rawValue: $0) }
        }

        /// librdkafka's symbolic name (for example `_QUEUE_FULL`), or the wrapper code's name.
        public var description: String {
            switch backing {
            case .rdKafka(let value): return String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: value)))
            case .configuration: return "configuration"
            case .invalidState: return "invalidState"
            case .system: return "system"
            }
        }

        // MARK: Wrapper-level codes

        /// A configuration property was unknown or had an invalid value, or librdkafka rejected the
        /// configuration as a whole when the client was created.
        public static let configuration = Code(.configuration)
        /// The call is not valid in the object's current state (for example after `close()`).
        public static let invalidState = Code(.invalidState)
        /// A system call made by the wrapper failed (for example creating the readiness pipe).
        public static let system = Code(.system)

        // MARK: librdkafka local codes

        /// The producer's local queue is full (`queue.buffering.max.messages`/`.kbytes`). Retriable: poll
        /// for delivery reports, then produce again.
        public static let queueFull = Code(RD_KAFKA_RESP_ERR__QUEUE_FULL)
        /// A message could not be delivered within `message.timeout.ms`.
        public static let messageTimedOut = Code(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
        /// An operation timed out locally.
        public static let timedOut = Code(RD_KAFKA_RESP_ERR__TIMED_OUT)
        /// A broker connection failed.
        public static let transport = Code(RD_KAFKA_RESP_ERR__TRANSPORT)
        /// No broker is reachable.
        public static let allBrokersDown = Code(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        /// The end of a partition was reached (only with `enable.partition.eof=true`).
        public static let partitionEOF = Code(RD_KAFKA_RESP_ERR__PARTITION_EOF)
        /// A fatal error was raised; see ``KafkaError/isFatal``.
        public static let fatal = Code(RD_KAFKA_RESP_ERR__FATAL)
        /// An argument was invalid.
        public static let invalidArgument = Code(RD_KAFKA_RESP_ERR__INVALID_ARG)
        /// librdkafka reported an invalid state for the operation.
        public static let state = Code(RD_KAFKA_RESP_ERR__STATE)
        /// The topic is unknown to the client.
        public static let unknownTopic = Code(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
        /// The partition is unknown to the client.
        public static let unknownPartition = Code(RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION)
        /// There was no offset to commit.
        public static let noOffset = Code(RD_KAFKA_RESP_ERR__NO_OFFSET)
        /// The application did not poll within `max.poll.interval.ms` and left the group.
        public static let maxPollExceeded = Code(RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED)
        /// The current assignment was lost (for example after a session timeout).
        public static let assignmentLost = Code(RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST)
        /// The client instance is being destroyed.
        public static let destroyed = Code(RD_KAFKA_RESP_ERR__DESTROY)
        /// The message was purged from the local queue.
        public static let purgedFromQueue = Code(RD_KAFKA_RESP_ERR__PURGE_QUEUE)
        /// The message was purged while in flight.
        public static let purgedInFlight = Code(RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
        /// Waiting for the group coordinator.
        public static let waitingForCoordinator = Code(RD_KAFKA_RESP_ERR__WAIT_COORD)

        // MARK: Broker codes

        /// An unknown broker-side error.
        public static let unknown = Code(RD_KAFKA_RESP_ERR_UNKNOWN)
        /// The requested offset is outside the partition's range.
        public static let offsetOutOfRange = Code(RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE)
        /// The topic or partition does not exist on the broker.
        public static let unknownTopicOrPartition = Code(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        /// The partition has no leader right now.
        public static let leaderNotAvailable = Code(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
        /// The broker is not the partition's leader.
        public static let notLeaderForPartition = Code(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
        /// The broker timed out the request.
        public static let requestTimedOut = Code(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
        /// The message is larger than the broker accepts.
        public static let messageSizeTooLarge = Code(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
        /// The broker reported a network problem.
        public static let networkException = Code(RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION)
        /// The group coordinator is still loading.
        public static let coordinatorLoadInProgress = Code(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS)
        /// The group coordinator is not available.
        public static let coordinatorNotAvailable = Code(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE)
        /// The broker is not the group coordinator.
        public static let notCoordinator = Code(RD_KAFKA_RESP_ERR_NOT_COORDINATOR)
        /// Not enough in-sync replicas.
        public static let notEnoughReplicas = Code(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)
        /// Written, but fewer in-sync replicas than required.
        public static let notEnoughReplicasAfterAppend = Code(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND)
        /// The group generation is stale.
        public static let illegalGeneration = Code(RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION)
        /// The group member id is unknown to the coordinator.
        public static let unknownMemberID = Code(RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID)
        /// The group is rebalancing.
        public static let rebalanceInProgress = Code(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
        /// INCONSISTENT_GROUP_PROTOCOL: the group's members share no partition assignment strategy (eager and
        /// cooperative members in one group).
        public static let inconsistentGroupProtocol = Code(RD_KAFKA_RESP_ERR_INCONSISTENT_GROUP_PROTOCOL)
        /// FENCED_INSTANCE_ID: another member joined the group with this consumer's `group.instance.id`; the
        /// broker fenced this one (fatal: the consumer must not rejoin with the same identity).
        public static let fencedInstanceID = Code(RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID)
        /// Not authorized for the topic.
        public static let topicAuthorizationFailed = Code(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
        /// Not authorized for the group.
        public static let groupAuthorizationFailed = Code(RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED)
        /// SASL authentication failed.
        public static let saslAuthenticationFailed = Code(RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED)
        /// The idempotent producer's sequence is out of order.
        public static let outOfOrderSequenceNumber = Code(RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER)
        /// The producer epoch is invalid.
        public static let invalidProducerEpoch = Code(RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH)
        /// The broker's storage failed.
        public static let kafkaStorageError = Code(RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR)

        /// The response-error semantics used when librdkafka gives no `rd_kafka_error_t` to ask: transient
        /// broker and network conditions, local queue pressure and timeouts are retriable.
        var isRetriableByDefault: Bool {
            Self.retriable.contains(self)
        }

        /// Produce failures that no retry can cure: the record is too large or invalid for the broker, or the
        /// producer may not write the topic. Retrying them would hold their command's offset back for ever.
        public var isPermanentForProduce: Bool {
            Self.permanentForProduce.contains(self)
        }

        private static let permanentForProduce: Set<Code> = [
            .messageSizeTooLarge, .invalidArgument, .topicAuthorizationFailed,
            Code(RD_KAFKA_RESP_ERR_INVALID_MSG), Code(RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE),
            Code(RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE), Code(RD_KAFKA_RESP_ERR_INVALID_RECORD),
            Code(RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION), Code(RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED),
            Code(RD_KAFKA_RESP_ERR_POLICY_VIOLATION), Code(RD_KAFKA_RESP_ERR_INVALID_REQUIRED_ACKS),
            Code(RD_KAFKA_RESP_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT),
        ]

        private static let retriable: Set<Code> = [
            .queueFull, .messageTimedOut, .timedOut, .transport, .allBrokersDown, .waitingForCoordinator,
            .leaderNotAvailable, .notLeaderForPartition, .requestTimedOut, .networkException,
            .coordinatorLoadInProgress, .coordinatorNotAvailable, .notCoordinator, .notEnoughReplicas,
            .notEnoughReplicasAfterAppend, .rebalanceInProgress, .kafkaStorageError, .unknownTopicOrPartition,
            Code(RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE), Code(RD_KAFKA_RESP_ERR__RETRY),
            Code(RD_KAFKA_RESP_ERR__NODE_UPDATE), Code(RD_KAFKA_RESP_ERR__PARTIAL),
            Code(RD_KAFKA_RESP_ERR_FETCH_SESSION_ID_NOT_FOUND), Code(RD_KAFKA_RESP_ERR_INVALID_FETCH_SESSION_EPOCH),
            Code(RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH), Code(RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH),
            Code(RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE), Code(RD_KAFKA_RESP_ERR_PREFERRED_LEADER_NOT_AVAILABLE),
            Code(RD_KAFKA_RESP_ERR_NOT_CONTROLLER), Code(RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED),
        ]
    }
}
