import Events
import KubeAccess
import KubeClient
import Synchronization

/// The API as one create flow sees it, noting whether a call ended because its deadline left no room for another
/// attempt (``KubeAPIError/endedByDeadline``). When that deadline is the command's expiry, no retry of the
/// command could come in time either, so the handler ends it as expired at once instead of answering "retry
/// later" and leaving the Pod it may have created until the re-dispatch.
final class DeadlineWatchingAPI: KubernetesAPI {
    private let api: any KubernetesAPI
    private let ended = Atomic<Bool>(false)

    init(_ api: any KubernetesAPI) { self.api = api }

    /// Whether a call so far was ended by its deadline.
    var sawDeadlineEnd: Bool { ended.load(ordering: .relaxed) }

    var clientStatistics: KubeClientStatistics? { api.clientStatistics }

    func create(_ collectionPath: String, body: [UInt8], deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue {
        try watch { () throws(KubeAPIError) in try api.create(collectionPath, body: body, deadline: deadline) }
    }

    func create(
        _ collectionPath: String, body: [UInt8], maxAttempts: Int?, deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue {
        try watch { () throws(KubeAPIError) in
            try api.create(collectionPath, body: body, maxAttempts: maxAttempts, deadline: deadline)
        }
    }

    func get(_ path: String, deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue {
        try watch { () throws(KubeAPIError) in try api.get(path, deadline: deadline) }
    }

    func delete(_ path: String, body: [UInt8]?, deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue {
        try watch { () throws(KubeAPIError) in try api.delete(path, body: body, deadline: deadline) }
    }

    func patch(
        _ path: String, body: [UInt8], contentType: String, query: [(String, String)], deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue {
        try watch { () throws(KubeAPIError) in
            try api.patch(path, body: body, contentType: contentType, query: query, deadline: deadline)
        }
    }

    func createIgnoringResponse(
        _ collectionPath: String, body: [UInt8], deadline: KubeDeadline
    ) throws(KubeAPIError) {
        try watch { () throws(KubeAPIError) in
            try api.createIgnoringResponse(collectionPath, body: body, deadline: deadline)
        }
    }

    func patchIgnoringResponse(
        _ path: String, body: [UInt8], contentType: String, query: [(String, String)], deadline: KubeDeadline
    ) throws(KubeAPIError) {
        try watch { () throws(KubeAPIError) in
            try api.patchIgnoringResponse(
                path, body: body, contentType: contentType, query: query, deadline: deadline)
        }
    }

    private func watch<Result>(_ call: () throws(KubeAPIError) -> Result) throws(KubeAPIError) -> Result {
        do {
            return try call()
        } catch {
            if error.endedByDeadline { ended.store(true, ordering: .relaxed) }
            throw error
        }
    }
}
