import Events
import KubeManifests
import Testing

@Suite("Resource policy: defaults, clamping, refusals, timeouts")
struct ResourcePolicyTests {
    private let policy = ResourcePolicy()

    private func resolve(
        cpuLimit: String = "1000m", cpuRequest: String = "200m", memoryLimit: String = "128Mi",
        memoryRequest: String = "128Mi", timeout: Int = 5
    ) throws(ManifestError) -> ResolvedResources {
        try policy.resolve(
            cpuLimit: cpuLimit, cpuRequest: cpuRequest, memoryLimit: memoryLimit, memoryRequest: memoryRequest,
            timeoutSeconds: timeout)
    }

    @Test("upstream's values pass through untouched")
    func upstreamValues() throws {
        let resources = try policy.resolve(Samples.command())
        #expect(resources.cpuLimit.description == "1000m" && resources.cpuRequest.description == "200m")
        #expect(resources.memoryLimit.description == "128Mi" && resources.memoryRequest.description == "128Mi")
        #expect(resources.activeDeadlineSeconds == 5)
        #expect(resources.adjustments.isEmpty)
        #expect(resources.ephemeralStorage == nil)
    }

    @Test("empty strings take the defaults (upstream's rule), and say so")
    func emptyDefaults() throws {
        let resources = try resolve(cpuLimit: "", cpuRequest: "", memoryLimit: "", memoryRequest: "")
        #expect(resources.cpuLimit.description == "1000m" && resources.cpuRequest.description == "200m")
        #expect(resources.memoryLimit.description == "128Mi" && resources.memoryRequest.description == "128Mi")
        #expect(resources.adjustments.map(\.kind) == [.defaulted, .defaulted, .defaulted, .defaulted])
        #expect(resources.adjustments.map(\.field) == [.cpuLimit, .cpuRequest, .memoryLimit, .memoryRequest])
    }

    @Test("values above the maxima are clamped, never refused, and listed")
    func clamping() throws {
        let resources = try resolve(
            cpuLimit: "64", cpuRequest: "32", memoryLimit: "64Gi", memoryRequest: "1Ti", timeout: 3600)
        #expect(resources.cpuLimit.description == "2000m")
        #expect(resources.cpuRequest.description == "2000m")
        #expect(resources.memoryLimit.description == "512Mi")
        #expect(resources.memoryRequest.description == "512Mi")
        #expect(resources.activeDeadlineSeconds == 300)
        #expect(
            resources.adjustments.map(\.description) == [
                "cpu_limit clamped to maximum: \"64\" -> 2000m",
                "memory_limit clamped to maximum: \"64Gi\" -> 512Mi",
                "cpu_request lowered to limit: \"32\" -> 2000m",
                "memory_request lowered to limit: \"1Ti\" -> 512Mi",
                "timeout_seconds clamped to maximum: \"3600\" -> 300",
            ])
    }

    @Test("a request above its own limit is lowered to the limit")
    func requestAboveLimit() throws {
        let resources = try resolve(cpuLimit: "500m", cpuRequest: "1", memoryLimit: "64Mi", memoryRequest: "128Mi")
        #expect(resources.cpuRequest == resources.cpuLimit && resources.memoryRequest == resources.memoryLimit)
        #expect(resources.adjustments.map(\.kind) == [.loweredToLimit, .loweredToLimit])
    }

    @Test("zero or tiny limits are raised to the minima (0 would mean unlimited)")
    func minima() throws {
        let resources = try resolve(cpuLimit: "0", cpuRequest: "0", memoryLimit: "128m", memoryRequest: "0")
        #expect(resources.cpuLimit.description == "10m" && resources.cpuRequest.description == "0m")
        #expect(resources.memoryLimit.description == "16Mi" && resources.memoryRequest.description == "0")
        #expect(resources.adjustments.map(\.kind) == [.raisedToMinimum, .raisedToMinimum])
    }

    @Test("garbage and negative quantities are refused with the field named")
    func refusals() throws {
        for (field, call) in [
            ("cpu_limit", { () throws(ManifestError) in _ = try resolve(cpuLimit: "lots") }),
            ("cpu_request", { () throws(ManifestError) in _ = try resolve(cpuRequest: "-1") }),
            ("memory_limit", { () throws(ManifestError) in _ = try resolve(memoryLimit: "128MB") }),
            ("memory_request", { () throws(ManifestError) in _ = try resolve(memoryRequest: "1 Gi") }),
        ] as [(String, () throws(ManifestError) -> Void)] {
            do {
                try call()
                Issue.record("accepted a bad \(field)")
            } catch {
                #expect(error.code == .invalidQuantity)
                #expect(error.reason.hasPrefix(field + " '"))
            }
        }
    }

    @Test("timeouts: 0 means 300, above the maximum clamps, negative is refused")
    func timeouts() throws {
        #expect(try resolve(timeout: 0).activeDeadlineSeconds == 300)
        #expect(try resolve(timeout: 0).adjustments.map(\.kind) == [.defaulted])
        #expect(try resolve(timeout: 1).activeDeadlineSeconds == 1)
        #expect(try resolve(timeout: 300).activeDeadlineSeconds == 300)
        #expect(try resolve(timeout: 301).activeDeadlineSeconds == 300)
        #expect(try resolve(timeout: Int.max).activeDeadlineSeconds == 300)
        #expect {
            try resolve(timeout: -1)
        } throws: { error in
            (error as? ManifestError)?.code == .invalidTimeout
        }
        let strict = ResourcePolicy(defaultTimeoutSeconds: 30, maxTimeoutSeconds: 60)
        let resolved = try strict.resolve(
            cpuLimit: "", cpuRequest: "", memoryLimit: "", memoryRequest: "", timeoutSeconds: 0)
        #expect(resolved.activeDeadlineSeconds == 30)
        let clamped = try strict.resolve(
            cpuLimit: "1", cpuRequest: "1", memoryLimit: "1Mi", memoryRequest: "1Mi", timeoutSeconds: 120)
        #expect(clamped.activeDeadlineSeconds == 60)
    }

    @Test("configured maxima apply")
    func configuredMaxima() throws {
        let roomy = ResourcePolicy(maxCPULimit: CPUQuantity.cores(4), maxMemoryLimit: .gibibytes(2))
        let resources = try roomy.resolve(
            cpuLimit: "3", cpuRequest: "1", memoryLimit: "1Gi", memoryRequest: "1Gi", timeoutSeconds: 5)
        #expect(resources.cpuLimit.description == "3000m" && resources.memoryLimit.description == "1Gi")
        #expect(resources.adjustments.isEmpty)
    }
}
