// Fuzz target: kubeconfig parsing and resolution (Sources/Libraries/KubeconfigLoading, on Sources/Libraries/KubeClient).
//
// `Kubeconfig` is internal and only loads from file paths, so this file is compiled *into* one module with the
// sources of KubeClient and KubeconfigLoading (see scripts/fuzz.sh) and the input is written to a scratch file that `Kubeconfig.load` reads.
// This drives the real path: UTF-8 check, Yams compose, YAMLFields typing, merge, context resolution,
// server URL, base64 material, exec/token settings.
// Checks: never crashes; any configuration accepted has a non-empty server URL.
// Hermetic: HOME is not consulted (home: nil). Paths named in the input (certificate-authority, tokenFile)
// are opened read-only with size limits; the script runs with stdin from /dev/null.
import Glibc

private let scratchPath: String = {
    let directory = getenv("FUZZ_SCRATCH_DIR").map { String(cString: $0) } ?? "/tmp"
    return "\(directory)/kubeconfig-fuzz-\(getpid()).yaml"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // The text layer on its own: must never crash, whatever the bytes.
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? Kubeconfig.parse(bytes, file: "fuzz")

    // The whole load through a file, as production does it.
    let descriptor = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(descriptor >= 0, "cannot create \(scratchPath)")
    var written = 0
    while written < size {
        let count = write(descriptor, data + written, size - written)
        precondition(count > 0, "cannot write \(scratchPath)")
        written += count
    }
    close(descriptor)
    if let config = try? Kubeconfig.load(paths: [scratchPath], context: nil, home: nil) {
        precondition(!config.server.isEmpty, "accepted a configuration without a server")
    }
    return 0
}
