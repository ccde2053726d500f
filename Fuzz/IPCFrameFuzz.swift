// Fuzz target: the supervisor <-> worker IPC frame layer (Sources/IPC).
//
// Input: raw bytes as a peer process could write them to the socket.
// Checks:
//   * FrameDecoder never crashes, whatever the bytes and however they are split across reads
//     (the first input byte picks the read size, so incremental append/compaction is exercised);
//   * SupervisorMessage(frame:) and WorkerMessage(frame:) never crash;
//   * anything either decoder accepts re-encodes to exactly the frame it was decoded from.
import IPC

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let chunk = Int(bytes[0] % 16) + 1  // 1...16 bytes per simulated read()
    let stream = bytes[1...]

    // A small limit so that the oversized-frame path is reachable with small inputs.
    var decoder = FrameDecoder(maxFrameSize: 4096)
    var offset = stream.startIndex
    decoding: while true {
        if offset < stream.endIndex {
            let end = min(offset + chunk, stream.endIndex)
            decoder.append(stream[offset..<end])
            offset = end
        }
        while true {
            let frame: Frame?
            do { frame = try decoder.next() } catch { break decoding }  // first error is final
            guard let frame else { break }
            check(frame)
        }
        if offset == stream.endIndex {
            _ = try? decoder.finish()
            break
        }
    }
    return 0
}

/// Decodes `frame` both ways; whatever is accepted must re-encode byte for byte.
private func check(_ frame: Frame) {
    let original = Frame.encode(type: frame.type, payload: Array(frame.payload))
    if let message = try? SupervisorMessage(frame: frame) {
        precondition(message.frame() == original, "SupervisorMessage round trip changed the frame: \(message)")
    }
    if let message = try? WorkerMessage(frame: frame) {
        precondition(message.frame() == original, "WorkerMessage round trip changed the frame: \(message)")
    }
}
