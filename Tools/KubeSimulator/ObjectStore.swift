import Events

/// Settings the store needs.
struct StoreSettings: Sendable {
    var kubernetesMinor: Int
    var phaseProgression: PhaseProgression?
    var maxGracefulDeletion: Duration
    var nodeName = "sim-node"
    /// Kueue's admission of plain Pods, when modelled.
    var kueue: KueueAdmission?
    /// Images the node cannot pull: their containers wait with `ErrImagePull` (DaemonSet Pods).
    var unpullableImages: Set<String> = []
}

/// All objects and the resource-version counter. A value type: the simulator keeps it in a lock and every
/// API operation runs as one critical section over it.
struct ObjectStore: Sendable {
    let settings: StoreSettings
    /// Every object by key (written only through `commit`/`remove` and the lifecycle code).
    var objects: [ObjectKey: StoredObject] = [:]
    /// Objects written with ownerReferences since the last sweep: only their owners need checking.
    private var sweepCandidates: Set<ObjectKey> = []
    /// Set by a removal (its dependents may dangle): the next sweep looks at everything.
    private var sweepEverything = false
    /// Live uids by scope (the namespace, or "" for cluster-scoped objects), so an owner check is a lookup.
    private(set) var liveUIDs: [String: Set<String>] = [:]
    /// The last resource version handed out (etcd's revision).
    private(set) var revision: UInt64 = 1000
    /// Objects removed by the garbage collector (owner deleted).
    private(set) var garbageCollected = 0

    init(settings: StoreSettings) { self.settings = settings }

    static func key(_ resource: ResourceKind, _ namespace: String, _ name: String) -> ObjectKey {
        ObjectKey(resource: resource.groupResource, namespace: resource.namespaced ? namespace : "", name: name)
    }

    /// The next resource version.
    mutating func nextResourceVersion() -> String {
        revision += 1
        return String(revision)
    }

    /// Whether namespace `name` exists (and is not terminating).
    func namespaceExists(_ name: String) -> Bool {
        objects[Self.key(.namespaces, "", name)] != nil
    }

    func stored(_ resource: ResourceKind, _ namespace: String, _ name: String) -> StoredObject? {
        objects[Self.key(resource, namespace, name)]
    }

    /// Stores (or replaces) an already rendered object (see `rendered`).
    mutating func commit(_ stored: StoredObject) {
        let key = Self.key(stored.resource, stored.namespace, stored.name)
        if let replaced = objects[key], replaced.uid != stored.uid {
            liveUIDs[Self.scope(replaced)]?.remove(replaced.uid)
        }
        objects[key] = stored
        liveUIDs[Self.scope(stored), default: []].insert(stored.uid)
        if stored.object.object("metadata")?["ownerReferences"] != nil { sweepCandidates.insert(key) }
    }

    /// Whether the garbage collector's sweep has anything to look at.
    var sweepNeeded: Bool { sweepEverything || !sweepCandidates.isEmpty }

    /// What the next sweep must examine (`nil`: everything), and forgets it.
    mutating func takeSweep() -> Set<ObjectKey>? {
        defer {
            sweepEverything = false
            sweepCandidates = []
        }
        return sweepEverything ? nil : sweepCandidates
    }

    /// Removes an object (no garbage collection; see `removeCascading`).
    mutating func remove(_ key: ObjectKey) -> StoredObject? {
        let removed = objects.removeValue(forKey: key)
        if let removed {
            liveUIDs[Self.scope(removed)]?.remove(removed.uid)
            sweepEverything = true
        }
        return removed
    }

    /// The uid scope of an object: its namespace, or "" when cluster-scoped.
    static func scope(_ stored: StoredObject) -> String { stored.resource.namespaced ? stored.namespace : "" }

    mutating func countGarbageCollected(_ count: Int) { garbageCollected += count }

    /// The 404 for a namespaced write into a namespace that does not exist.
    static func namespaceNotFound(_ namespace: String) -> APIStatus {
        APIStatus.notFound(.namespaces, namespace)
    }

    /// Checks `kind`/`apiVersion` and the namespace of a request body against the URL; fills in what is missing.
    static func conform(
        _ body: JSONObject, to resource: ResourceKind, namespace: String, name: String?
    ) throws(APIStatus) -> JSONObject {
        var object = body
        if let kind = object.string("kind"), !kind.isEmpty, kind != resource.kind {
            throw APIStatus.badRequest(
                "the kind \"\(kind)\" of the request body does not match the resource \(resource.groupResource) (expected \"\(resource.kind)\")"
            )
        }
        if let apiVersion = object.string("apiVersion"), !apiVersion.isEmpty, apiVersion != resource.apiVersion {
            throw APIStatus.badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version (\(resource.apiVersion))"
            )
        }
        object.set("kind", .string(resource.kind))
        object.set("apiVersion", .string(resource.apiVersion))
        var meta = object.object("metadata") ?? JSONObject()
        if resource.namespaced {
            let bodyNamespace = meta.string("namespace") ?? ""
            if !bodyNamespace.isEmpty && bodyNamespace != namespace {
                throw APIStatus.badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request")
            }
            meta.set("namespace", .string(namespace))
        } else {
            meta.removeAll(named: "namespace")
        }
        if let name {
            let bodyName = meta.string("name") ?? ""
            if !bodyName.isEmpty && bodyName != name {
                throw APIStatus.badRequest(
                    "the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
            }
            meta.set("name", .string(name))
        }
        object.set("metadata", .object(meta))
        return object
    }
}
