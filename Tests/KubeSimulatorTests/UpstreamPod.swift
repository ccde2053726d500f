import Events
import TestKit

/// The Pod from docs/upstream-contract.md §4.3 (`Tests/Fixtures/upstream/pod.json`, shared with the manifest tests),
/// moved to namespace `secure`: it satisfies Pod Security "restricted".
enum UpstreamPod {
    static let text: String = {
        return RepositoryFile.text("Tests/Fixtures/upstream/pod.json")
            .replacing(#""namespace": "integr8scode""#, with: #""namespace": "secure""#)
    }()

    /// The pod as JSON.
    static var object: JSONObject { TestSupport.json(text).objectValue ?? JSONObject() }
}
