import Events

/// Where each image of the pre-puller stands on the nodes, read from its Pods' container statuses: one container per
/// image (``PrePullerManifest``), so one image's failure is told apart from the others'.
public struct PrePullStatus: Sendable, Equatable {
    /// One image on one node.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// The container runs: the image is on the node.
        case pulled
        /// Not pulled yet (the Pod is being scheduled, or the kubelet is pulling).
        case pulling
        /// The pull fails (`ErrImagePull`, `ImagePullBackOff`, a bad name, a pull that policy forbids).
        case failing
        /// The image is on the node but the waiting command does not run in it (no `/bin/sh` or no `sleep`): an
        /// executor needs `/bin/sh` too, so this image's executions would fail.
        case notRunnable = "not_runnable"
    }

    /// One image over all the DaemonSet's Pods.
    public struct Image: Sendable, Equatable {
        public var image: String
        /// Nodes per state.
        public var nodes: [State: Int] = [:]
        /// The kubelet's reason for the last failing or not-runnable container seen (`ErrImagePull`, …).
        public var reason: String?

        public init(image: String) { self.image = image }

        public func count(_ state: State) -> Int { nodes[state] ?? 0 }
    }

    /// Per image, in the manifest's order.
    public var images: [Image]
    /// Pods of the DaemonSet that were read (one per node it runs on).
    public var pods: Int
    /// `status.desiredNumberScheduled` of the DaemonSet: the nodes it should run on.
    public var desiredNodes: Int

    /// Reasons a waiting container gives when its image cannot be pulled (kubelet `images` package and
    /// `ErrImageNeverPull`; Kubernetes documentation, "Images", "ImagePullBackOff").
    static let pullFailures: Set<String> = [
        "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "RegistryUnavailable",
        "SignatureValidationFailed", "ErrImageInspect",
    ]
    /// Reasons that mean the image is there but the container cannot start or keeps exiting.
    static let notRunnable: Set<String> = [
        "CrashLoopBackOff", "RunContainerError", "CreateContainerError", "StartError", "Error",
    ]

    /// Reads `pods` (the items of a Pod list) for `images`.
    public init(images: [String], pods: [JSONValue], desiredNodes: Int) {
        let containers = PrePullerManifest.imagesByContainer(images)
        var byImage: [String: Image] = [:]
        for image in images { byImage[image] = Image(image: image) }
        for pod in pods {
            let statuses = pod[member: "status"]?[member: "containerStatuses"]?.arrayValue ?? []
            var seen = Set<String>()
            for status in statuses {
                guard let name = status[member: "name"]?.stringValue, let image = containers[name] else { continue }
                seen.insert(image)
                let (state, reason) = Self.classify(status)
                byImage[image]?.nodes[state, default: 0] += 1
                if let reason { byImage[image]?.reason = reason }
            }
            // A Pod not yet started lists no statuses: its images are still to come on that node.
            for image in images where !seen.contains(image) { byImage[image]?.nodes[.pulling, default: 0] += 1 }
        }
        self.images = images.compactMap { byImage[$0] }
        self.pods = pods.count
        self.desiredNodes = desiredNodes
    }

    /// One container status.
    static func classify(_ status: JSONValue) -> (State, String?) {
        let state = status[member: "state"]
        if state?[member: "running"] != nil { return (.pulled, nil) }
        if let waiting = state?[member: "waiting"] {
            let reason = waiting[member: "reason"]?.stringValue ?? ""
            if pullFailures.contains(reason) { return (.failing, reason) }
            if notRunnable.contains(reason) { return (.notRunnable, reason) }
            return (.pulling, nil)
        }
        if state?[member: "terminated"] != nil {
            return (.notRunnable, state?[member: "terminated"]?[member: "reason"]?.stringValue ?? "Terminated")
        }
        return (.pulling, nil)
    }

    /// Whether nothing is still on its way: the DaemonSet's Pods are all there, and no image is still being pulled
    /// on any node.
    public var isSettled: Bool {
        desiredNodes > 0 && pods >= desiredNodes && images.allSatisfy { $0.count(.pulling) == 0 }
    }

    /// Images that fail or cannot run on some node.
    public var troubled: [Image] { images.filter { $0.count(.failing) > 0 || $0.count(.notRunnable) > 0 } }

    /// Images on every node the DaemonSet should run on.
    public var complete: Int { images.filter { $0.count(.pulled) >= desiredNodes && desiredNodes > 0 }.count }

    /// For STATUS: `pre-pull 12/13 images on 3 nodes; failing python:3.99 (ErrImagePull, 3 nodes)`.
    public var summary: String {
        var text = "pre-pull \(complete)/\(images.count) images on \(desiredNodes) node\(desiredNodes == 1 ? "" : "s")"
        let troubled = troubled
        if !troubled.isEmpty {
            let parts = troubled.prefix(3).map { image in
                let nodes = image.count(.failing) + image.count(.notRunnable)
                return "\(image.image) (\(image.reason ?? "failing"), \(nodes) node\(nodes == 1 ? "" : "s"))"
            }
            text += "; failing " + parts.joined(separator: ", ")
            if troubled.count > 3 { text += " and \(troubled.count - 3) more" }
        }
        return text
    }
}
