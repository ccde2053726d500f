import Testing

@testable import Events

/// `JSONParser.parse(_:keeping:)`: the selected parts equal the same parts of a full parse, and a document the
/// full parser refuses is refused with the same error, whatever the selection leaves out.
@Suite("JSON selection")
struct JSONSelectionTests {
    /// The reference: a full parse, then the members the selection leaves out removed.
    static func prune(_ value: JSONValue, _ selection: JSONSelection) -> JSONValue {
        if case .all = selection { return value }
        guard case .object(let object) = value else { return value }
        var kept = JSONObject()
        for member in object.members {
            if let child = selection.selection(of: member.key) { kept.append(member.key, prune(member.value, child)) }
        }
        return .object(kept)
    }

    /// A random selection over `value`'s own keys (and a few it does not have), `depth` levels deep.
    static func randomSelection(for value: JSONValue, _ rng: inout SeededGenerator, depth: Int) -> JSONSelection {
        guard depth > 0, case .object(let object) = value else { return .all }
        let keys = object.keys + ["absent"]
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: return .all
        case 1:
            return .allExcept(Set(keys.filter { _ in Bool.random(using: &rng) }))
        default:
            var members: [String: JSONSelection] = [:]
            for member in object.members where Bool.random(using: &rng) {
                members[member.key] = randomSelection(for: member.value, &rng, depth: depth - 1)
            }
            if Bool.random(using: &rng) { members["absent"] = .all }
            return .members(members)
        }
    }

    @Test("the kept parts equal those of a full parse (2000 random documents and selections)")
    func keptPartsMatch() throws {
        var rng = SeededGenerator(seed: 0x5E1E_C7ED)
        for iteration in 0..<2000 {
            let value = JSONPropertyTests.randomValue(&rng, depth: 5)
            let selection = Self.randomSelection(for: value, &rng, depth: 3)
            let bytes = JSONWriter.encode(value)
            let selected = try JSONParser().parse(bytes, keeping: selection)
            #expect(selected == Self.prune(value, selection), "iteration \(iteration): \(selection)")
            #expect(try JSONParser().parse(bytes, keeping: .all) == value)
        }
    }

    @Test("a document the full parser refuses is refused with the same error (3000 damaged documents)")
    func damagedDocumentsRefusedAlike() {
        var rng = SeededGenerator(seed: 0xDA3A_6ED0)
        // Selections that skip nearly everything, so the damage lands in skipped members.
        let selections: [JSONSelection] = [
            .members([:]), .members(["absent": .all]), .allExcept([]), .members(["a": .members(["b": .all])]),
        ]
        var refused = 0
        for iteration in 0..<3000 {
            var value = JSONPropertyTests.randomValue(&rng, depth: 4)
            if case .object = value {} else { value = .object(JSONObject(pairs: ["a": value, "z": .null])) }
            var bytes = JSONWriter.encode(value)
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: index)
                default: bytes.insert(Self.structural.randomElement(using: &rng) ?? 0x22, at: index)
                }
            }
            let selection = selections[iteration % selections.count]
            let full = Result { () throws(JSONParseError) in try JSONParser().parse(bytes) }
            let selected = Result { () throws(JSONParseError) in try JSONParser().parse(bytes, keeping: selection) }
            switch (full, selected) {
            case (.success(let whole), .success(let part)):
                #expect(part == Self.prune(whole, selection), "iteration \(iteration)")
            case (.failure(let expected), .failure(let error)):
                refused += 1
                #expect(error == expected, "iteration \(iteration): \(String(decoding: bytes, as: UTF8.self))")
            default:
                Issue.record("iteration \(iteration): full \(full), selected \(selected)")
            }
        }
        #expect(refused > 1000, "the damage must produce refusals to compare: \(refused)")
    }

    @Test("long strings: every special byte at every position of a run is found, kept or skipped")
    func longStrings() {
        let specials: [[UInt8]] = [
            Array(#"\""#.utf8), Array(#"\\"#.utf8), Array(#"\n"#.utf8), Array(#"\u00e9"#.utf8), Array("é".utf8),
            [0x22], [0x5C], [0x00], [0x1F], [0x7F], [0x80], [0xC3], [0xFF],
        ]
        for special in specials {
            for offset in 0..<40 {
                let text =
                    Array(repeating: UInt8(ascii: "a"), count: offset) + special + Array(repeating: 0x62, count: 17)
                let bytes = Array(#"{"skip":""#.utf8) + text + Array(#"","keep":1}"#.utf8)
                let full = Result { () throws(JSONParseError) in try JSONParser().parse(bytes) }
                let selected = Result { () throws(JSONParseError) in
                    try JSONParser().parse(bytes, keeping: .members(["keep": .all]))
                }
                switch (full, selected) {
                case (.success(let whole), .success(let part)):
                    #expect(part == Self.prune(whole, .members(["keep": .all])), "\(special) at \(offset)")
                case (.failure(let expected), .failure(let error)):
                    #expect(error == expected, "\(special) at \(offset)")
                default:
                    Issue.record("\(special) at \(offset): full \(full), selected \(selected)")
                }
            }
        }
    }

    /// Bytes that break JSON in interesting ways.
    static let structural: [UInt8] = Array("{}[]\",:\\ -0e.tfn".utf8) + [0x00, 0x1F, 0x80, 0xC0, 0xED, 0xF4, 0xFF]

    @Test("nesting limits count the kept and the skipped parts alike")
    func depthLimitsApply() throws {
        let parser = JSONParser(limits: .init(maxDepth: 3))
        let deepSkipped = Array(#"{"keep":1,"skip":{"a":{"b":{"c":1}}}}"#.utf8)
        let full = Result { () throws(JSONParseError) in try parser.parse(deepSkipped) }
        let selected = Result { () throws(JSONParseError) in
            try parser.parse(deepSkipped, keeping: .members(["keep": .all]))
        }
        guard case .failure(let expected) = full, case .failure(let error) = selected else {
            Issue.record("both must refuse four levels under a limit of three: \(full), \(selected)")
            return
        }
        #expect(error == expected)
        let shallow = Array(#"{"keep":{"x":1},"skip":{"a":[1,2]}}"#.utf8)
        #expect(
            try parser.parse(shallow, keeping: .members(["keep": .all]))
                == .object(JSONObject(pairs: ["keep": .object(JSONObject(pairs: ["x": .number(JSONNumber(1))]))])))
    }

    @Test("a Kubernetes object: only the selected fields are kept, duplicates and order as written")
    func kubernetesObject() throws {
        let pod = Array(
            #"{"kind":"Pod","metadata":{"name":"p","uid":"u-1","managedFields":[{"manager":"k8s-worker","fieldsV1":{"f:spec":{}}}],"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"python:3.11-slim"}],"schedulingGates":[{"name":"integr8s.io/script"}]},"status":{"phase":"Pending","conditions":[]}}"#
                .utf8)
        let selection = JSONSelection.members([
            "metadata": .allExcept(["managedFields"]), "spec": .members(["schedulingGates": .all]),
            "status": .members(["phase": .all]),
        ])
        let kept = try JSONParser().parse(pod, keeping: selection)
        let expected = try JSONParser().parse(
            #"{"metadata":{"name":"p","uid":"u-1","labels":{"app":"x"}},"spec":{"schedulingGates":[{"name":"integr8s.io/script"}]},"status":{"phase":"Pending"}}"#
        )
        #expect(kept == expected)
    }
}
