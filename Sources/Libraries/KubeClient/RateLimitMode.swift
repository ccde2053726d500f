/// How the client-side API rate limit behaves (README, "API rate limit"; docs/decisions.md, D14).
public enum RateLimitMode: String, Sendable, Hashable, CaseIterable {
    /// The rate starts at the ceiling, is cut to 0.7 of what was sent (at most once a second) when the API server
    /// answers 429 or 503, and grows back while its answers are clean; `Retry-After` holds every request sharing
    /// the limit.
    case adaptive
    /// The ceiling is the rate; `Retry-After` still holds every request sharing the limit.
    case fixed
    /// No client-side limit at all (each request still honours its own `Retry-After`).
    case off
}
