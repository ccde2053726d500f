/// Who writes and how, for one write request.
struct WriteContext: Sendable {
    /// The field manager recorded in managedFields.
    var manager: String
    /// `dryRun=All`: everything but persisting.
    var dryRun: Bool
    /// CLOCK_MONOTONIC nanoseconds.
    var monotonicNow: UInt64
    /// RFC 3339 wall time.
    var timestamp: String
    /// What to do about unknown fields in the body.
    var fieldValidation = FieldValidation.warn
}
