import KubeManifests
import Testing

@Suite("Kubernetes quantities: parsing, rounding, canonical text")
struct QuantityTests {
    @Test(
        "CPU",
        arguments: [
            ("1000m", 1000, "1000m"), ("200m", 200, "200m"), ("1", 1000, "1000m"), ("0.5", 500, "500m"),
            (".25", 250, "250m"), ("2.", 2000, "2000m"), ("+1", 1000, "1000m"), ("0", 0, "0m"), ("0.0001", 1, "1m"),
            ("1.5m", 2, "2m"), ("1k", 1_000_000, "1000000m"), ("5e-1", 500, "500m"), ("1E3", 1_000_000, "1000000m"),
            ("250000u", 250, "250m"), ("100000000n", 100, "100m"), ("0007", 7000, "7000m"), ("-0", 0, "0m"),
        ] as [(String, Int64, String)])
    func cpu(text: String, millicores: Int64, canonical: String) throws {
        let quantity = try CPUQuantity(parsing: text)
        #expect(quantity.millicores == millicores)
        #expect(quantity.description == canonical)
        #expect(try CPUQuantity(parsing: quantity.description) == quantity)
    }

    @Test(
        "memory",
        arguments: [
            ("128Mi", 134_217_728, "128Mi"), ("512Mi", 536_870_912, "512Mi"), ("1Gi", 1_073_741_824, "1Gi"),
            ("1.5Gi", 1_610_612_736, "1536Mi"), ("64Ki", 65_536, "64Ki"), ("1k", 1000, "1k"), ("1M", 1_000_000, "1M"),
            ("1G", 1_000_000_000, "1G"), ("134217728", 134_217_728, "128Mi"), ("1000", 1000, "1k"),
            ("1023", 1023, "1023"),
            ("1e6", 1_000_000, "1M"), ("0.5", 1, "1"), ("128m", 1, "1"), ("1024000", 1_024_000, "1000Ki"),
            ("0", 0, "0"),
            ("2Ti", 2_199_023_255_552, "2Ti"),
        ] as [(String, Int64, String)])
    func memory(text: String, bytes: Int64, canonical: String) throws {
        let quantity = try MemoryQuantity(parsing: text)
        #expect(quantity.bytes == bytes)
        #expect(quantity.description == canonical)
        #expect(try MemoryQuantity(parsing: quantity.description) == quantity)
    }

    @Test(
        "garbage is refused",
        arguments: [
            "abc", "1 Mi", "1mi", "Mi", ".", "1..2", "1.2.3", "1e", "1e+", "1e3m", "0x10", "1,5", "１", "1Mi ", " 1",
            "1MiB",
            "1e99999", "1234567890123456789012",
        ])
    func garbage(text: String) {
        #expect(throws: QuantityError.malformed) { try CPUQuantity(parsing: text) }
        #expect(throws: QuantityError.malformed) { try MemoryQuantity(parsing: text) }
    }

    @Test("empty and negative are told apart")
    func emptyAndNegative() {
        #expect(throws: QuantityError.empty) { try CPUQuantity(parsing: "") }
        #expect(throws: QuantityError.negative) { try CPUQuantity(parsing: "-1") }
        #expect(throws: QuantityError.negative) { try MemoryQuantity(parsing: "-128Mi") }
    }

    @Test("huge values saturate instead of overflowing, so clamping still works")
    func saturation() throws {
        #expect(try MemoryQuantity(parsing: "9Ei").bytes == Int64.max)
        #expect(try MemoryQuantity(parsing: "123456789012345678E").bytes == Int64.max)
        #expect(try CPUQuantity(parsing: "1e30").millicores == Int64.max)
        #expect(try CPUQuantity(parsing: "1e-40").millicores == 1)
        #expect(try MemoryQuantity(parsing: "123456789012345678000000000000Ki").bytes == Int64.max)
        #expect(MemoryQuantity.gibibytes(Int64.max).bytes == Int64.max)
        #expect(CPUQuantity.cores(Int64.max).millicores == Int64.max)
    }

    @Test("comparison follows the amount")
    func comparison() throws {
        #expect(try CPUQuantity(parsing: "1") > CPUQuantity(parsing: "999m"))
        #expect(try MemoryQuantity(parsing: "1Mi") > MemoryQuantity(parsing: "1M"))
        #expect(MemoryQuantity.mebibytes(1) == MemoryQuantity.kibibytes(1024))
    }
}
