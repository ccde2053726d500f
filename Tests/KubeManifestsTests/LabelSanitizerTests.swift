import KubeManifests
import Testing

@Suite("Label values: sanitizing hostile input, validating keys and values")
struct LabelSanitizerTests {
    @Test(
        "sanitization table",
        arguments: [
            ("7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e", "7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e"),
            ("python", "python"),
            ("Alice_Smith.2", "Alice_Smith.2"),
            ("alice smith", "alice-smith"),
            ("../../etc/passwd", "etc-passwd"),
            ("../", "unknown"),
            ("", "unknown"),
            ("   ", "unknown"),
            ("ünïcødé", "n-c-d"),
            ("user@example.com", "user-example.com"),
            ("-_.abc._-", "abc"),
            ("a\u{0}b\u{7}c\nd\u{7F}", "a-b-c-d"),
            ("🚀rocket🚀", "rocket"),
            ("日本語", "unknown"),
            ("a\u{200B}b", "a-b"),
        ])
    func table(raw: String, expected: String) {
        let value = LabelSanitizer.sanitizeValue(raw)
        #expect(value == expected)
        #expect(LabelSanitizer.isValidValue(value))
    }

    @Test("300 characters are cut to 63 and stay valid")
    func long() {
        let value = LabelSanitizer.sanitizeValue(String(repeating: "abcdefghij", count: 30))
        #expect(value.count == 63)
        #expect(value == String(String(repeating: "abcdefghij", count: 7).prefix(63)))
        let cutAtDash = LabelSanitizer.sanitizeValue(String(repeating: "a", count: 62) + "-" + "b")
        #expect(cutAtDash == String(repeating: "a", count: 62))
    }

    @Test(
        "hostile inputs always give a valid, non-empty value",
        arguments: [
            String(repeating: "ü", count: 300), String(repeating: "-", count: 1000) + "x",
            String(repeating: "../", count: 100),
            "\u{0}\u{1}\u{2}", String(repeating: "a b", count: 200), "\u{FEFF}id", "😀",
            String(repeating: "é", count: 100) + "z",
            "x" + String(repeating: ".", count: 70) + "y",
        ])
    func hostile(raw: String) {
        let value = LabelSanitizer.sanitizeValue(raw)
        #expect(LabelSanitizer.isValidValue(value) && !value.isEmpty && value.count <= 63)
        #expect(LabelSanitizer.sanitizeValue(raw) == value, "deterministic")
        #expect(LabelSanitizer.sanitizeValue(value) == value, "idempotent")
    }

    @Test("an invalid fallback falls back to 'unknown'")
    func fallback() {
        #expect(LabelSanitizer.sanitizeValue("!!", fallback: "anonymous") == "anonymous")
        #expect(LabelSanitizer.sanitizeValue("!!", fallback: "not valid") == "unknown")
    }

    @Test(
        "value validator",
        arguments: [
            ("", true), ("a", true), ("a-b_c.d", true), ("-a", false), ("a-", false), ("a b", false), ("ü", false),
            (String(repeating: "a", count: 63), true), (String(repeating: "a", count: 64), false), ("A.9", true),
        ])
    func values(value: String, valid: Bool) {
        #expect(LabelSanitizer.isValidValue(value) == valid)
    }

    @Test(
        "key validator",
        arguments: [
            ("app", true), ("kueue.x-k8s.io/queue-name", true), ("pod-security.kubernetes.io/enforce", true),
            ("integr8s.io/execution-id", true), ("/name", false), ("prefix/", false), ("a/b/c", false),
            ("UPPER.io/name", false), ("example.com/Name_1", true), ("", false),
            (String(repeating: "k", count: 64), false),
        ])
    func keys(key: String, valid: Bool) {
        #expect(LabelSanitizer.isValidKey(key) == valid)
    }
}
