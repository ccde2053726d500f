// Replaced by the client implementation.
