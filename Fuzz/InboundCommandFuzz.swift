// Fuzz target: saga command decoding (Sources/Libraries/Events) of Kafka record values.
//
// Input: one record value, as anyone with write access to the topic could produce it.
// Checks:
//   * JSONParser().parse and InboundCommand.decode never crash (no trap, no overflow, no OOB);
//   * any JSON the parser accepts is written back by JSONWriter as JSON that parses to the same value;
//   * any command the decoder accepts re-encodes (encoded()) to bytes that decode to the same command.
import Events

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    if let value = try? JSONParser().parse(bytes) {
        let written = JSONWriter.encode(value)
        do {
            let reparsed = try JSONParser().parse(written)
            precondition(reparsed == value, "JSON round trip changed the value")
        } catch {
            preconditionFailure("JSONWriter output does not parse: \(error)")
        }
    }

    if let command = try? InboundCommand.decode(bytes, options: DecodingOptions()) {
        let encoded: [UInt8]
        switch command {
        case .create(let create): encoded = create.encoded()
        case .delete(let delete): encoded = delete.encoded()
        }
        do {
            let again = try InboundCommand.decode(encoded, options: DecodingOptions())
            precondition(again == command, "command round trip changed the command")
        } catch {
            preconditionFailure("re-encoded command does not decode: \(error)")
        }
    }
    return 0
}
