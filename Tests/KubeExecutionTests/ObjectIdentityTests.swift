import Events
import KubeManifests
import Testing

@testable import KubeExecution

/// The worker's client keeps only ``ObjectIdentity/fieldsRead`` of a response: every reader must answer the same on
/// that as on the whole object, or a decision would be taken on a field the client dropped.
@Suite struct ObjectIdentityTests {
    /// Pods and ConfigMaps as the API server returns them (managedFields, spec, status, data), in the states the
    /// handler decides on: gated or released, running or finished, owned, terminating.
    static let objects: [String] = [
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"executor-e1","namespace":"integr8scode","uid":"11111111-2222-4333-8444-555555555555","resourceVersion":"42","labels":{"app":"integr8s","execution-id":"e1","component":"executor"},"annotations":{"integr8s.io/command-digest":"d1","integr8s.io/saga-id":"s1"},"managedFields":[{"manager":"k8s-worker","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{}}},"f:spec":{"f:containers":{}}}}]},"spec":{"schedulingGates":[{"name":"integr8s.io/script"},{"name":"kueue.x-k8s.io/admission"}],"containers":[{"name":"executor","image":"python:3.11-slim","command":["python","/scripts/main.py"]}],"volumes":[{"name":"script","configMap":{"name":"script-e1"}}]},"status":{"phase":"Pending","qosClass":"Guaranteed","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}}"#,
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"executor-e2","uid":"u2","deletionTimestamp":"2026-12-07T06:00:00Z","labels":{"app":"integr8s","execution-id":"e2"},"annotations":{"integr8s.io/command-digest":"d2"}},"spec":{"containers":[]},"status":{"phase":"Succeeded"}}"#,
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"executor-e3","uid":"u3","deletionTimestamp":null,"labels":{},"managedFields":[]},"status":{"phase":"Failed"}}"#,
        ##"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"script-e1","uid":"c1","labels":{"app":"integr8s","execution-id":"e1"},"annotations":{"integr8s.io/command-digest":"d1"},"ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"executor-e1","uid":"11111111-2222-4333-8444-555555555555","controller":true}],"managedFields":[{"manager":"k8s-worker"}]},"data":{"main.py":"print('hello')\n","entrypoint.sh":"#!/bin/sh\nexec \"$@\"\n"}}"##,
        #"{"kind":"Status","apiVersion":"v1","status":"Success","details":{"name":"executor-e1","kind":"pods","uid":"u1"}}"#,
    ]

    @Test("every reader answers the same on the selected object as on the whole one")
    func readersSeeTheSame() throws {
        let keys = ["app", "execution-id", "component", "integr8s.io/command-digest", "integr8s.io/saga-id", "absent"]
        for text in Self.objects {
            let bytes = Array(text.utf8)
            let whole = try JSONParser().parse(bytes)
            let kept = try JSONParser().parse(bytes, keeping: ObjectIdentity.fieldsRead)
            #expect(kept != whole, "the selection must leave something out of \(text.prefix(40))")
            #expect(ObjectIdentity.uid(kept) == ObjectIdentity.uid(whole))
            #expect(ObjectIdentity.isTerminating(kept) == ObjectIdentity.isTerminating(whole))
            #expect(ObjectIdentity.hasFinished(kept) == ObjectIdentity.hasFinished(whole))
            #expect(ObjectIdentity.ownerUIDs(kept) == ObjectIdentity.ownerUIDs(whole))
            for gate in [ManifestLabels.scriptGate, "kueue.x-k8s.io/admission", "absent"] {
                #expect(ObjectIdentity.hasSchedulingGate(gate, kept) == ObjectIdentity.hasSchedulingGate(gate, whole))
            }
            for key in keys {
                #expect(ObjectIdentity.label(key, of: kept) == ObjectIdentity.label(key, of: whole))
                #expect(ObjectIdentity.annotation(key, of: kept) == ObjectIdentity.annotation(key, of: whole))
            }
        }
    }

    @Test("what the selection leaves out: managed fields, the Pod's spec but its gates, the status but its phase, data")
    func leftOut() throws {
        let pod = try JSONParser().parse(Array(Self.objects[0].utf8), keeping: ObjectIdentity.fieldsRead)
        #expect(pod.objectValue?["metadata"]?.objectValue?["managedFields"] == nil)
        #expect(pod.objectValue?["spec"]?.objectValue?.keys == ["schedulingGates"])
        #expect(pod.objectValue?["status"]?.objectValue?.keys == ["phase"])
        let configMap = try JSONParser().parse(Array(Self.objects[3].utf8), keeping: ObjectIdentity.fieldsRead)
        #expect(configMap.objectValue?["data"] == nil, "the script is never built")
    }
}
