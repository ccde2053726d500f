import KubeSimulator

/// The command line, parsed by hand: `k8s-api-simulator --dir <out> [options]`.
struct CommandLineOptions {
    static let usage = """
        usage: k8s-api-simulator --dir <out> [options]
          --dir PATH              where ca.crt, client.crt, client.key, kubeconfig, admin-token are written (required)
          --host IP               listen address (default 127.0.0.1)
          --port N                TCP port (default 0 = ephemeral)
          --namespace NAME        create a namespace at start (repeatable)
          --restricted NAME       create a namespace enforcing Pod Security "restricted" (repeatable)
          --token T               accepted bearer token (repeatable; default: one random token)
          --token-file PATH       bearer tokens, one per line, re-read on change (the kubeconfig refers to it)
          --admin-token T         token for /_sim/... (default: random, written to <dir>/admin-token)
          --token-service-account NS/NAME
                                  bearer tokens authenticate as system:serviceaccount:NS:NAME
          --authorization MODE    AlwaysAllow (default) or RBAC (roles and bindings decide; 403 otherwise)
          --rbac-file PATH        Role/ClusterRole/RoleBinding/ClusterRoleBinding YAML or JSON stored at start
                                  (repeatable; needs --authorization RBAC)
          --rbac-namespace FROM=TO
                                  rename namespace FROM to TO in the --rbac-file documents (repeatable)
          --loops N               event-loop threads (default 2)
          --phase-progression     pods go Pending -> Running -> Succeeded
          --running-after D       delay before Running (default 500ms)
          --succeeded-after D     delay from Running to Succeeded (default 2s; "never" keeps them Running)
          --fault-429 RATE        share of requests answered 429 (0...1)
          --retry-after N         Retry-After seconds for 429s (default 1)
          --fault-500 RATE, --fault-503 RATE, --fault-504 RATE
          --drop RATE             share of requests whose connection is closed without a response
          --fault-webhook RATE    share of Pod creates answered 500 by a webhook that cannot be called
          --truncate RATE         share of requests answered with the head and half the body, then closed
          --fault-after-execution the faults above hit after the request ran (the write happened, the answer is lost)
          --latency D             latency added to every API request (e.g. 25ms)
          --jitter D              extra uniform random latency up to D
          --apf-rate N            API Priority and Fairness: serve N API requests per second, queue a few, answer
                                  the rest 429 TooManyRequests with Retry-After: 1 (like kube-apiserver's APF)
          --apf-queue N           requests that may wait in the APF queue (default 16)
          --seed N                seed for the fault generator
          --max-body BYTES        request body limit (default 3145728)
          --idle-timeout D        close idle connections after D (default 60s)
          --k8s-minor N           simulated Kubernetes 1.N (default 33)
          --kueue                 model Kueue's admission of plain Pods: LocalQueue executor-queue ->
                                  ClusterQueue covering cpu, memory (Pods requesting more stay gated)
          --kueue-queue L=C:R,... LocalQueue L -> ClusterQueue C covering resources R (repeatable; implies
                                  --kueue and replaces the default queue)
          --gc-delay D            the garbage collector's delay, from an owner's removal to its decision and
                                  again to its uid-only delete (default 100ms; 0 collects at once)
          --unpullable-image IMAGE
                                  the node cannot pull IMAGE: DaemonSet Pods' containers with it wait in
                                  ErrImagePull (repeatable)
        durations: 250ms, 1.5s, 2m, 100us (a bare number is milliseconds)
        """

    var configuration: SimulatorConfiguration
    var showHelp = false

    /// Parses `arguments` (without the program name).
    init(_ arguments: [String]) throws(SimulatorError) {
        var configuration = SimulatorConfiguration(outputDirectory: "")
        var faults = FaultConfiguration()
        var retryAfter = 1
        var rates: [(FaultRule.Kind, Double)] = []
        var progression: PhaseProgression?
        var afterExecution = false
        var kueueQueues: [(local: String, cluster: KueueAdmission.ClusterQueue)] = []
        var rbacFiles: [String] = []
        var renames: [String: String] = [:]
        var index = 0
        func value(_ flag: String) throws(SimulatorError) -> String {
            index += 1
            guard index < arguments.count else { throw SimulatorError(.invalidArgument, "\(flag) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "-h", "--help": showHelp = true
            case "--dir": configuration.outputDirectory = try value(flag)
            case "--host": configuration.host = try value(flag)
            case "--port": configuration.port = try Self.number(try value(flag), flag, UInt16.self)
            case "--namespace": configuration.namespaces.append(try value(flag))
            case "--restricted":
                let name = try value(flag)
                configuration.namespaces.append(name)
                configuration.namespaceLabels[name] = [
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/enforce-version": "latest",
                ]
            case "--token": configuration.tokens.append(try value(flag))
            case "--token-file": configuration.tokenFile = try value(flag)
            case "--admin-token": configuration.adminToken = try value(flag)
            case "--token-service-account":
                let text = try value(flag)
                let parts = text.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw SimulatorError(.invalidArgument, "\(flag): expected NAMESPACE/NAME, got \(text)")
                }
                configuration.tokenServiceAccount = ServiceAccountName(
                    namespace: String(parts[0]), name: String(parts[1]))
            case "--authorization":
                let text = try value(flag)
                guard
                    let mode = AuthorizationConfiguration.Mode.allCases.first(where: {
                        $0.rawValue.lowercased() == text.lowercased()
                    })
                else {
                    throw SimulatorError(.invalidArgument, "\(flag): expected AlwaysAllow or RBAC, got \(text)")
                }
                configuration.authorization.mode = mode
            case "--rbac-file": rbacFiles.append(try value(flag))
            case "--rbac-namespace":
                let text = try value(flag)
                let parts = text.split(separator: "=", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw SimulatorError(.invalidArgument, "\(flag): expected FROM=TO, got \(text)")
                }
                renames[String(parts[0])] = String(parts[1])
            case "--loops": configuration.eventLoopThreads = try Self.number(try value(flag), flag, Int.self)
            case "--phase-progression": progression = progression ?? PhaseProgression()
            case "--running-after":
                progression = progression ?? PhaseProgression()
                progression?.runningAfter = try Self.duration(try value(flag), flag)
            case "--succeeded-after":
                progression = progression ?? PhaseProgression()
                let text = try value(flag)
                progression?.succeededAfter = text == "never" ? nil : try Self.duration(text, flag)
            case "--fault-429": rates.append((.tooManyRequests, try Self.rate(try value(flag), flag)))
            case "--fault-500": rates.append((.internalError, try Self.rate(try value(flag), flag)))
            case "--fault-503": rates.append((.serviceUnavailable, try Self.rate(try value(flag), flag)))
            case "--fault-504": rates.append((.gatewayTimeout, try Self.rate(try value(flag), flag)))
            case "--drop": rates.append((.drop, try Self.rate(try value(flag), flag)))
            case "--fault-webhook": rates.append((.webhook, try Self.rate(try value(flag), flag)))
            case "--truncate": rates.append((.truncate, try Self.rate(try value(flag), flag)))
            case "--fault-after-execution": afterExecution = true
            case "--retry-after": retryAfter = try Self.number(try value(flag), flag, Int.self)
            case "--latency": faults.latency = try Self.duration(try value(flag), flag)
            case "--jitter": faults.jitter = try Self.duration(try value(flag), flag)
            case "--apf-rate":
                let text = try value(flag)
                guard let rate = Double(text), rate > 0, rate <= 1_000_000 else {
                    throw SimulatorError(.invalidArgument, "--apf-rate: not a rate within 0...1000000: \(text)")
                }
                faults.apfRate = rate
            case "--apf-queue": faults.apfQueue = try Self.number(try value(flag), flag, Int.self)
            case "--seed": faults.seed = try Self.number(try value(flag), flag, UInt64.self)
            case "--max-body": configuration.limits.maxBodyBytes = try Self.number(try value(flag), flag, Int.self)
            case "--idle-timeout": configuration.limits.idleTimeout = try Self.duration(try value(flag), flag)
            case "--k8s-minor": configuration.kubernetesMinorVersion = try Self.number(try value(flag), flag, Int.self)
            case "--kueue": configuration.kueue = configuration.kueue ?? KueueAdmission()
            case "--kueue-queue": kueueQueues.append(try Self.kueueQueue(try value(flag), flag))
            case "--unpullable-image": configuration.unpullableImages.insert(try value(flag))
            case "--gc-delay": configuration.garbageCollectionDelay = try Self.duration(try value(flag), flag)
            default: throw SimulatorError(.invalidArgument, "unknown argument \(flag)")
            }
            index += 1
        }
        faults.rules = rates.map {
            // A webhook registered for Pod creation, as admission webhooks are.
            $0.0 == .webhook
                ? FaultRule(.webhook, rate: $0.1, verbs: ["create"], resources: ["pods"])
                : FaultRule($0.0, rate: $0.1, retryAfterSeconds: retryAfter, afterExecution: afterExecution)
        }
        configuration.faults = faults
        configuration.phaseProgression = progression
        if !kueueQueues.isEmpty {
            configuration.kueue = KueueAdmission(
                localQueues: Dictionary(kueueQueues.map { ($0.local, $0.cluster.name) }, uniquingKeysWith: { $1 }),
                clusterQueues: kueueQueues.map(\.cluster))
        }
        if (!rbacFiles.isEmpty || !renames.isEmpty) && configuration.authorization.mode != .rbac {
            throw SimulatorError(.invalidArgument, "--rbac-file and --rbac-namespace need --authorization RBAC")
        }
        configuration.authorization.policies = rbacFiles.map {
            RBACPolicySource(.file($0), namespaceRenames: renames)
        }
        if !showHelp && configuration.outputDirectory.isEmpty {
            throw SimulatorError(.invalidArgument, "--dir is required")
        }
        self.configuration = configuration
    }

    private static func number<Value: FixedWidthInteger>(
        _ text: String, _ flag: String, _: Value.Type
    ) throws(SimulatorError) -> Value {
        guard let value = Value(text) else {
            throw SimulatorError(.invalidArgument, "\(flag): not a valid number: \(text)")
        }
        return value
    }

    /// `local=cluster:resource,resource`.
    static func kueueQueue(
        _ text: String, _ flag: String
    ) throws(SimulatorError) -> (local: String, cluster: KueueAdmission.ClusterQueue) {
        guard let equals = text.firstIndex(of: "="), let colon = text.firstIndex(of: ":"), equals < colon else {
            throw SimulatorError(.invalidArgument, "\(flag): expected LOCAL=CLUSTER:RESOURCE,..., got \(text)")
        }
        let local = String(text[..<equals])
        let cluster = String(text[text.index(after: equals)..<colon])
        let resources = text[text.index(after: colon)...].split(separator: ",").map(String.init)
        guard !local.isEmpty, !cluster.isEmpty, !resources.isEmpty else {
            throw SimulatorError(.invalidArgument, "\(flag): expected LOCAL=CLUSTER:RESOURCE,..., got \(text)")
        }
        return (local, KueueAdmission.ClusterQueue(name: cluster, coveredResources: resources))
    }

    private static func rate(_ text: String, _ flag: String) throws(SimulatorError) -> Double {
        guard let value = Double(text), (0...1).contains(value) else {
            throw SimulatorError(.invalidArgument, "\(flag): rate must be within 0...1")
        }
        return value
    }

    /// `250ms`, `1.5s`, `2m`, `100us`, or a bare number of milliseconds.
    static func duration(_ text: String, _ flag: String) throws(SimulatorError) -> Duration {
        let units: [(String, Double)] = [("ms", 1e6), ("us", 1e3), ("ns", 1), ("s", 1e9), ("m", 60e9)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number >= 0, number * scale < 9e18 else { break }
            return .nanoseconds(Int64(number * scale))
        }
        if let number = Double(text), number >= 0, number < 9e12 { return .nanoseconds(Int64(number * 1e6)) }
        throw SimulatorError(.invalidArgument, "\(flag): not a valid duration: \(text)")
    }
}
