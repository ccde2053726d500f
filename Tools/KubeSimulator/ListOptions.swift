/// What a list request asks for.
struct ListOptions: Sendable {
    var labelSelector = LabelSelector.everything
    var fieldSelector: FieldSelector?
    /// Items per page (0 = all).
    var limit = 0
    /// The opaque token from the previous page.
    var continueToken = ""
}
