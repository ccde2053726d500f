// Replaced by the handler implementation.
