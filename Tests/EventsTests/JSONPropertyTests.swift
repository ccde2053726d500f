import Testing
@testable import Events

@Suite("JSON property tests (seeded)")
struct JSONPropertyTests {
    /// Builds a random JSON value no deeper than `depth`.
    static func randomValue(_ rng: inout SeededGenerator, depth: Int) -> JSONValue {
        let choice = depth <= 0 ? Int.random(in: 0..<4, using: &rng) : Int.random(in: 0..<6, using: &rng)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .number(randomNumber(&rng))
        case 3: return .string(randomString(&rng))
        case 4:
            return .array((0..<Int.random(in: 0..<5, using: &rng)).map { _ in randomValue(&rng, depth: depth - 1) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0..<5, using: &rng) {
                object.append(randomString(&rng), randomValue(&rng, depth: depth - 1))
            }
            return .object(object)
        }
    }

    static func randomNumber(_ rng: inout SeededGenerator) -> JSONNumber {
        switch Int.random(in: 0..<3, using: &rng) {
        case 0:
            return JSONNumber(Int64.random(in: Int64.min...Int64.max, using: &rng))
        case 1:
            var double = Double(bitPattern: rng.next())
            if !double.isFinite { double = 0.5 }
            return JSONNumber(double) ?? JSONNumber(0)
        default:
            // Arbitrary-precision text: must survive untouched.
            let digits = (0..<Int.random(in: 1..<40, using: &rng)).map { _ in String(Int.random(in: 0...9, using: &rng))
            }.joined()
            let body = digits.first == "0" ? "0" : digits
            let text = (Bool.random(using: &rng) ? "-" : "") + body + (Bool.random(using: &rng) ? ".25e-300" : "")
            return JSONNumber(text) ?? JSONNumber(1)
        }
    }

    static func randomString(_ rng: inout SeededGenerator) -> String {
        let pool: [Unicode.Scalar] = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1f}", "\u{7f}",
            "é", "✓", "世", "😀", "\u{2028}", "\u{feff}", "\u{10FFFF}",
        ]
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0..<12, using: &rng) {
            if Bool.random(using: &rng), let pick = pool.randomElement(using: &rng) {
                scalars.append(pick)
            } else if let scalar = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &rng)) {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    @Test("write then parse gives back the same value (2000 random documents)")
    func writeParseRoundTrip() throws {
        var rng = SeededGenerator(seed: 0x5EED_1234)
        for iteration in 0..<2000 {
            let value = Self.randomValue(&rng, depth: 6)
            let bytes = JSONWriter.encode(value)
            let parsed = try JSONParser().parse(bytes)
            #expect(parsed == value, "iteration \(iteration): \(String(decoding: bytes, as: UTF8.self))")
            #expect(JSONWriter.encode(parsed) == bytes)
        }
    }

    @Test("random byte strings never crash the parser")
    func randomBytes() {
        var rng = SeededGenerator(seed: 42)
        let alphabet =
            Array("{}[]\":,.-+eE0123456789tfnrulasx\\u \t\n".utf8) + [
                0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xED, 0xF4, 0xFF,
            ]
        var accepted = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<48, using: &rng)
            let bytes: [UInt8] = (0..<length).map { _ in
                Bool.random(using: &rng)
                    ? UInt8.random(in: 0...255, using: &rng) : alphabet.randomElement(using: &rng) ?? 0
            }
            do {
                let value = try JSONParser(limits: .init(maxDepth: 8)).parse(bytes)
                accepted += 1
                #expect(try JSONParser().parse(JSONWriter.encode(value)) == value)
            } catch {
                #expect(error.offset >= 0 && error.offset <= bytes.count)
            }
        }
        #expect(accepted > 0)
    }

    @Test("mutated and truncated golden records never crash any decoder")
    func mutatedGoldens() throws {
        let records = try GoldenRoundTripTests.records()
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<3000 {
            guard var bytes = records.randomElement(using: &rng)?.value else { continue }
            switch Int.random(in: 0..<3, using: &rng) {
            case 0:
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            case 1:
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            default:
                bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
            }
            if let event = try? AnyEvent.decode(bytes) {
                #expect(try AnyEvent.decode(event.encoded()) == event)
            }
            _ = try? InboundCommand.decode(bytes)
        }
    }
}
