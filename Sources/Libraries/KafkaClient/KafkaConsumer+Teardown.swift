internal import CRdKafka

/// librdkafka 2.0.2 aborts the process when a consumer using the cooperative-sticky assignor is destroyed after
/// its group chose the protocol but before its first assignment arrived: `rd_kafka_sticky_assignor_state_destroy`
/// asserts a state that only the first SyncGroup answer creates (librdkafka issue #4312, fixed in later releases).
/// A supervisor stopped during its first rebalance (a restart, a rolling upgrade) would die with SIGABRT.
/// `Tests/KafkaClientTests/TeardownTests.swift` reproduces it with a delayed SyncGroup.
///
/// Until the first assignment, such a consumer is therefore closed (leaving the group, which librdkafka finishes
/// on its own threads) and its handle is then left alive instead of destroyed. The handle holds a few threads and
/// buffers until the process exits, which for the supervisor is moments later.
extension KafkaConsumer {
    /// Whether destroying the handle now could hit the assertion (a consumer that never subscribed never joins).
    var destroyMayAbort: Bool {
        usesCooperativeAssignor && hasSubscribed && !hasBeenAssigned
    }

    /// Called from `deinit`: closes (bounded) and keeps the handle when destroying it could abort. A close, this
    /// one or an earlier one, marks the handle to be kept before it hands the handle to its thread.
    func tearDownSafely() {
        guard destroyMayAbort, !isClosed else { return }
        _ = try? close(within: .seconds(1))
    }
}
