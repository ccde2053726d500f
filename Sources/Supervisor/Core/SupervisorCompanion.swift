import Observability

/// Work that runs beside the supervisor's loop on a thread of its own and must never block it (the image
/// pre-puller): told of every reload, shown in STATUS and on `/metrics`, stopped when the supervisor stops.
///
/// Every requirement is called on the supervisor's thread; implementations hand the work to their own thread and
/// answer ``status`` and ``metricFamilies()`` from a snapshot.
public protocol SupervisorCompanion: AnyObject {
    /// A reload read `loaded`; `inForce` is what the supervisor applies of it (restart-only keys keep their
    /// running values).
    func reloaded(loaded: Configuration, inForce: Configuration)
    /// A short part of the STATUS line, or `nil`.
    var status: String? { get }
    /// Metrics, built when scraped. Label values must come from a bounded set.
    func metricFamilies() -> [MetricFamily]
    /// Stops the companion's thread; returns once it has ended.
    func stop()
}
