import Logging
import SupervisorCore

extension KafkaCommandSource {
    /// Log metadata naming the record behind `origin`: execution id, topic, partition and offset.
    func logContext(for origin: CommandOrigin) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["offset": "\(origin.offset)"]
        if let partition = streams[origin.partition] {
            metadata["topic"] = "\(partition.topic)"
            metadata["partition"] = "\(partition.partition)"
        }
        if let command = pending[origin]?.command { metadata["execution.id"] = "\(command.executionID)" }
        return metadata
    }
}
