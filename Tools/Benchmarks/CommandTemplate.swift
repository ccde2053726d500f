/// A command's JSON with placeholders, cut once at them so that each command costs a few byte copies. Filling it
/// with `String.replacing` cost more than librdkafka's produce call, and where a benchmark builds commands inside
/// what it measures (the produce rate, a source feeding the supervisor on its own thread) that cost was measured.
struct CommandTemplate {
    enum Piece {
        case text([UInt8])
        case executionID
        case timestamp
    }

    let pieces: [Piece]
    private let size: Int

    /// Cuts `template` at every occurrence of `executionID` and of `timestamp`.
    init(_ template: String, executionID: String, timestamp: String? = nil) {
        let markers = [(executionID, Piece.executionID)] + (timestamp.map { [($0, Piece.timestamp)] } ?? [])
        var pieces: [Piece] = []
        var rest = Substring(template)
        func nextMarker() -> (Range<Substring.Index>, Piece)? {
            markers.compactMap { marker, piece in rest.firstRange(of: marker).map { ($0, piece) } }
                .min { $0.0.lowerBound < $1.0.lowerBound }
        }
        while let (range, piece) = nextMarker() {
            pieces.append(.text(Array(rest[..<range.lowerBound].utf8)))
            pieces.append(piece)
            rest = rest[range.upperBound...]
        }
        pieces.append(.text(Array(rest.utf8)))
        self.pieces = pieces
        size = template.utf8.count
    }

    /// The command with `executionID` and `timestamp` in their places.
    func command(executionID: String, timestamp: [UInt8] = []) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size + 16)
        for piece in pieces {
            switch piece {
            case .text(let text): bytes += text
            case .executionID: bytes += executionID.utf8
            case .timestamp: bytes += timestamp
            }
        }
        return bytes
    }
}
