extension RuntimeRegistry {
    /// Upstream's runtime table (`backend/app/runtime_registry.py`, docs/upstream-contract.md §7): each
    /// language/version expands to an image, the file `main.<ext>` and `interpreter + ["/scripts/main.<ext>"]`.
    public static let upstreamEntries: [Entry] = {
        let families:
            [(language: String, versions: [String], image: (String) -> String, ext: String, interpreter: [String])] = [
                ("python", ["3.7", "3.8", "3.9", "3.10", "3.11", "3.12"], { "python:\($0)-slim" }, "py", ["python"]),
                ("node", ["18", "20", "22"], { "node:\($0)-alpine" }, "js", ["node"]),
                ("ruby", ["3.1", "3.2", "3.3"], { "ruby:\($0)-alpine" }, "rb", ["ruby"]),
                ("bash", ["5.1", "5.2", "5.3"], { "bash:\($0)" }, "sh", ["bash"]),
                ("go", ["1.20", "1.21", "1.22"], { "golang:\($0)-alpine" }, "go", ["go", "run"]),
            ]
        return families.flatMap { family in
            family.versions.map { version in
                Entry(
                    language: family.language, version: version, image: family.image(version),
                    filename: "main.\(family.ext)", command: family.interpreter + ["/scripts/main.\(family.ext)"])
            }
        }
    }()
}
