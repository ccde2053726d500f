/// Deterministic event ids for what the worker publishes.
///
/// An id is `UUIDv5(EventID.namespace, "<execution_id>/<saga_id>/<event_type>")`, so a
/// redelivered command republishes events with the same ids, and consumers that
/// de-duplicate on `event_id` (upstream's MongoDB unique index) see one event.
public enum EventID {
    /// The project namespace:
    /// `UUIDv5(NAMESPACE_URL, "https://github.com/HardMax71/Integr8sCode/k8s-worker")`
    /// = `9c1a2a57-8ddb-5b8c-a890-b3a15b6b3922`.
    public static let namespace = UUIDv5.make(
        namespace: .namespaceURL, name: "https://github.com/HardMax71/Integr8sCode/k8s-worker")

    /// The id of the `eventType` event published for one execution of one saga, as lowercase
    /// canonical UUID text.
    public static func derive(executionID: String, sagaID: String, eventType: EventType) -> String {
        UUIDv5.make(namespace: namespace, name: "\(executionID)/\(sagaID)/\(eventType.rawValue)").uuidString
    }
}
