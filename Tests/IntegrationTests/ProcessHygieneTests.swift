import Chaos
import Glibc
import Testing

extension Integration {
    /// What each worker inherits, and PID 1 duty.
    @Suite struct ProcessHygiene {
        @Test("Workers: empty signal mask, no ignored signals, only fds 0-3, own process group, no systemd variables")
        func workersStartClean() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            supervisor.start(environment: ["WATCHDOG_USEC": "5000000", "LISTEN_FDS": "1", "LISTEN_PID": "1"])
            #expect(TestSupport.eventually(within: 10) { supervisor.workers().count == 2 })
            #expect(supervisor.notify.waitFor(10) { $0.fields["READY"] == "1" } != nil)
            // Both workers past their handshake: before it, the dynamic loader may still hold a library open.
            #expect(supervisor.notify.waitFor(10) { $0.fields["STATUS"]?.contains("workers 2/2 ready") == true } != nil)
            for worker in supervisor.workers() {
                // Signals 32 and 33 are glibc's own (thread cancellation, setxid); posix_spawn cannot and need not
                // reset them, so they are masked out of the comparison.
                let glibcInternal: UInt64 = 0b11 << 31
                #expect(
                    TestSupport.statusField("SigBlk", of: worker).flatMap { UInt64($0, radix: 16) }.map {
                        $0 & ~glibcInternal
                    } == 0)
                #expect(
                    TestSupport.statusField("SigIgn", of: worker).flatMap { UInt64($0, radix: 16) }.map {
                        $0 & ~glibcInternal
                    } == 0)
                #expect(TestSupport.descriptors(of: worker) == [0, 1, 2, 3])
                let environment = TestSupport.environment(of: worker)
                for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID"] {
                    #expect(!environment.contains { $0.hasPrefix(name + "=") }, "\(name) leaked into a worker")
                }
                #expect(getpgid(worker) == worker)
            }
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }

        @Test(
            "Workers get the allow-listed environment only: no SASL password, no other K8S_WORKER_ secret, nothing unnamed"
        )
        func workersGetNoSecrets() throws {
            let marker = "m\(UInt64.random(in: 1...UInt64.max))"
            let withheld = [
                "K8S_WORKER_KAFKA_SASL_PASSWORD": "sasl-\(marker)", "K8S_WORKER_KUBERNETES_TOKEN": "token-\(marker)",
                "UNRELATED_\(marker)": "unrelated-\(marker)",
            ]
            let allowed = ["TZ": "Europe/Berlin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            // The supervisor's own value of a load-time library setting does not reach workers: theirs is fixed.
            supervisor.start(
                environment: withheld.merging(allowed) { $1 }.merging(["GNUTLS_NO_IMPLICIT_INIT": "0"]) { $1 })
            #expect(supervisor.notify.waitFor(10) { $0.fields["STATUS"]?.contains("workers 2/2 ready") == true } != nil)
            // The supervisor itself holds them: the setup is what the test claims.
            let own = TestSupport.environment(of: supervisor.pid)
            for (name, value) in withheld { #expect(own.contains("\(name)=\(value)"), "the supervisor lacks \(name)") }
            let workers = supervisor.workers()
            #expect(workers.count == 2)
            for worker in workers {
                let environment = TestSupport.environment(of: worker)
                #expect(!environment.isEmpty, "/proc/\(worker)/environ unreadable")
                for (name, value) in withheld {
                    #expect(
                        !environment.contains { $0.hasPrefix(name + "=") || $0.contains(value) },
                        "\(name) reached worker \(worker)")
                }
                #expect(!environment.contains { $0.contains(marker) })
                for (name, value) in allowed {
                    #expect(environment.contains("\(name)=\(value)"), "\(name) missing in worker \(worker)")
                }
                #expect(environment.contains("K8S_WORKER_LOG_FORMAT=json"))
                #expect(
                    environment.filter { $0.hasPrefix("GNUTLS_NO_IMPLICIT_INIT=") } == ["GNUTLS_NO_IMPLICIT_INIT=1"],
                    "GnuTLS (linked by libcurl's librtmp, never called) stays uninitialized in workers")
                let names = environment.map { String($0.prefix { $0 != "=" }) }
                #expect(
                    names.filter { $0.hasPrefix("K8S_WORKER_") }.sorted() == [
                        "K8S_WORKER_LOG_FORMAT", "K8S_WORKER_LOG_LEVEL",
                    ])
            }
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }

        /// Started with core dumps allowed and as an unprivileged user (65534), so that both settings are visible
        /// from outside: `/proc/<pid>/limits` shows the core size limit, and proc(5) makes the files of a process
        /// that is not dumpable owned by root instead of by the process's user. A control process started the same
        /// way shows the opposite, so the check can tell the two apart.
        @Test("Supervisor and workers: core file size limit 0, and not dumpable (their /proc files belong to root)")
        func noCoreDumps() throws {
            let nobody: uid_t = 65534
            let prefix = [
                "/usr/bin/prlimit", "--core=unlimited", "/usr/bin/setpriv", "--reuid=\(nobody)", "--regid=\(nobody)",
                "--clear-groups",
            ]
            let control = try #require(
                try? ProcessTable.spawn(prefix + ["/bin/sleep", "30"], environment: [:], outputPath: "/dev/null").get())
            defer {
                _ = kill(control, SIGKILL)
                TestSupport.eventually(within: 5) { ProcessTable.reap(control) != nil }
            }
            #expect(TestSupport.eventually(within: 5) { TestSupport.owner(of: "/proc/\(control)/limits") == nobody })
            #expect(TestSupport.coreSizeLimit(of: control) == "unlimited unlimited")

            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            for path in [supervisor.directory, supervisor.configPath, supervisor.commandsPath, supervisor.notify.path] {
                #expect(chown(path, nobody, gid_t(nobody)) == 0, "chown \(path)")
            }
            supervisor.start(prefix: prefix)
            #expect(supervisor.notify.waitFor(10) { $0.fields["STATUS"]?.contains("workers 2/2 ready") == true } != nil)
            let workers = supervisor.workers()
            #expect(workers.count == 2)
            for pid in [supervisor.pid] + workers {
                #expect(
                    TestSupport.statusField("Uid", of: pid)?.hasPrefix("\(nobody)") == true,
                    "\(pid) does not run as \(nobody)")
                #expect(TestSupport.coreSizeLimit(of: pid) == "0 0", "\(pid)")
                #expect(TestSupport.owner(of: "/proc/\(pid)/limits") == 0, "\(pid) is dumpable")
            }
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }

        /// Cyrus SASL loads every plugin of its directory when librdkafka's first client starts (``CyrusSASL``):
        /// only a configuration that may authenticate with GSSAPI gets them. The first case would pass without the
        /// plugins installed, so the second proves they are there and do load when asked for.
        @Test("Kafka source: no Cyrus SASL plugin mapped unless SASL may use GSSAPI")
        func saslPluginsOnlyForGSSAPI() throws {
            let kafka = try KafkaHarness()
            func pluginsMapped(_ pid: pid_t) -> Bool {
                (TestSupport.read("/proc/\(pid)/maps") ?? "").contains("/sasl2/")
            }
            let plaintext = SupervisorProcess(config: Integration.config(workers: 1))
            plaintext.start(arguments: kafka.supervisorArguments())
            #expect(
                plaintext.notify.waitFor(15) { $0.fields["READY"] == "1" } != nil, "\(plaintext.log().suffix(2000))")
            #expect(!pluginsMapped(plaintext.pid))
            plaintext.signal(SIGTERM)
            #expect(plaintext.waitForExit(within: 15) == 0)

            // Authentication fails against the mock cluster; the client is built, and the plugins with it.
            let kerberos = SupervisorProcess(config: Integration.config(workers: 1))
            kerberos.start(
                arguments: kafka.supervisorArguments([
                    "kafka.security_protocol": "sasl_plaintext", "kafka.sasl_mechanism": "GSSAPI",
                    "kafka.properties": "sasl.kerberos.kinit.cmd=/bin/true",
                ]))
            #expect(
                TestSupport.eventually(within: 15) { pluginsMapped(kerberos.pid) },
                "no plugin of libsasl2-modules (scripts/setup.sh installs it) loaded: \(kerberos.log().suffix(2000))")
            kerberos.signal(SIGTERM)
            #expect(kerberos.waitForExit(within: 15) != nil)
        }

        @Test("As PID 1 in its own PID namespace, the supervisor reaps orphans and leaves no zombies")
        func pid1ReapsOrphans() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            supervisor.append(commands: (0..<4).map { "k\($0)\torphan 200" })
            supervisor.start(prefix: ["/usr/bin/unshare", "--pid", "--fork"])
            var inner: pid_t = 0
            #expect(
                TestSupport.eventually(within: 10) {
                    inner = TestSupport.children(of: supervisor.pid).first ?? 0
                    return inner > 0
                })
            #expect(TestSupport.eventually(within: 15) { supervisor.journal().count == 4 })
            #expect(TestSupport.eventually(within: 10) { supervisor.log().ranges(of: "reaped orphan").count >= 4 })
            #expect(
                TestSupport.eventually(within: 5) {
                    TestSupport.children(of: inner).allSatisfy { TestSupport.state(of: $0) != "Z" }
                })
            _ = kill(inner, SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }
    }
}
