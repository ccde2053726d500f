import Events

/// Upstream's objects for the docs/upstream-contract.md §3.7 command (§4.2, §4.3), as upstream's
/// `PodBuilder` renders them, and this project's exact renderings of the same command.
enum UpstreamRenderings {
    /// The Pod (docs/upstream-contract.md §4.3), verbatim: `Tests/Fixtures/upstream/pod.json` (shared with the simulator's tests).
    static let pod: String = {
        let source = #filePath
        let tests = source[..<(source.firstRange(of: "/KubeManifestsTests/")?.lowerBound ?? source.endIndex)]
        return Samples.readText(tests + "/Fixtures/upstream/pod.json") ?? ""
    }()

    /// The ConfigMap (docs/upstream-contract.md §4.2), verbatim (the entrypoint placeholder is compared separately).
    static let configMap = #"""
        {
          "apiVersion": "v1",
          "kind": "ConfigMap",
          "metadata": {
            "name": "script-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
            "namespace": "integr8scode",
            "labels": {
              "app": "integr8s",
              "component": "execution-script",
              "execution-id": "5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
              "saga-id": "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34"
            }
          },
          "data": {
            "main.py": "print('hello, k8s')\n",
            "entrypoint.sh": "<contents of backend/app/scripts/entrypoint.sh>"
          }
        }
        """#

    /// The ``CommandDigest`` of the sample command, computed apart from the project: Python's `json.dumps` of the
    /// covered fields (compact separators, `ensure_ascii=False`) through `hashlib.sha256`.
    static let commandDigest = "d9543b3e08414816468ba80fe4bb03e98e89b2234c2a1c356dddec34ec1cf69a"

    /// Our Pod for the sample command with default settings, member order included.
    static let ourPod = #"""
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"executor-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","namespace":"integr8scode",
           "labels":{"app":"integr8s","component":"executor","execution-id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
             "language":"python","kueue.x-k8s.io/queue-name":"executor-queue","user-id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e",
             "saga-id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34"},
           "annotations":{"integr8s.io/execution-id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","integr8s.io/created-by":"kubernetes-worker",
             "integr8s.io/language":"python","integr8s.io/saga-id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34",
             "integr8s.io/command-digest":"d9543b3e08414816468ba80fe4bb03e98e89b2234c2a1c356dddec34ec1cf69a"}},
         "spec":{"activeDeadlineSeconds":5,"automountServiceAccountToken":false,"enableServiceLinks":false,
           "hostIPC":false,"hostNetwork":false,"hostPID":false,"hostUsers":false,"restartPolicy":"Never",
           "schedulingGates":[{"name":"integr8s.io/script"}],
           "terminationGracePeriodSeconds":5,"dnsPolicy":"None","dnsConfig":{"nameservers":["127.0.0.1"]},
           "securityContext":{"fsGroup":1000,"fsGroupChangePolicy":"OnRootMismatch","runAsGroup":1000,"runAsNonRoot":true,
             "runAsUser":1000,"seccompProfile":{"type":"RuntimeDefault"}},
           "containers":[{"name":"executor","image":"python:3.11-slim","imagePullPolicy":"IfNotPresent",
             "command":["/bin/sh","/entry/entrypoint.sh","python","/scripts/main.py"],
             "env":[{"name":"EXECUTION_ID","value":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90"},{"name":"OUTPUT_PATH","value":"/output"},
               {"name":"HOME","value":"/tmp"},{"name":"GOCACHE","value":"/tmp/go-cache"}],
             "resources":{"limits":{"cpu":"1000m","memory":"128Mi"},
               "requests":{"cpu":"200m","memory":"128Mi"}},
             "securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"privileged":false,
               "readOnlyRootFilesystem":true,"runAsGroup":1000,"runAsNonRoot":true,"runAsUser":1000,
               "seccompProfile":{"type":"RuntimeDefault"}},
             "stdin":false,"tty":false,"terminationMessagePolicy":"FallbackToLogsOnError",
             "volumeMounts":[{"mountPath":"/scripts","name":"script-volume","readOnly":true},
               {"mountPath":"/entry","name":"entrypoint-volume","readOnly":true},
               {"mountPath":"/output","name":"output-volume"},{"mountPath":"/tmp","name":"tmp-volume"}]}],
           "volumes":[
             {"name":"script-volume","configMap":{"name":"script-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
               "items":[{"key":"main.py","path":"main.py"}],"defaultMode":292}},
             {"name":"entrypoint-volume","configMap":{"name":"script-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
               "items":[{"key":"entrypoint.sh","path":"entrypoint.sh"}],"defaultMode":292}},
             {"name":"output-volume","emptyDir":{"sizeLimit":"10Mi"}},
             {"name":"tmp-volume","emptyDir":{"sizeLimit":"10Mi"}}]}}
        """#

    /// Our ConfigMap for the sample command, owned by a Pod with uid `Samples.podUID`; the entrypoint
    /// value is replaced by `EntrypointScript.text` before comparing.
    static let ourConfigMap = #"""
        {"apiVersion":"v1","kind":"ConfigMap",
         "metadata":{"name":"script-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","namespace":"integr8scode",
           "labels":{"app":"integr8s","component":"execution-script","execution-id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
             "saga-id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34"},
           "annotations":{"integr8s.io/saga-id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34",
             "integr8s.io/command-digest":"d9543b3e08414816468ba80fe4bb03e98e89b2234c2a1c356dddec34ec1cf69a"},
           "ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"executor-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
             "uid":"0d6f1e2a-3b4c-4d5e-8f60-718293a4b5c6","blockOwnerDeletion":false}]},
         "immutable":true,
         "data":{"main.py":"print('hello, k8s')\n","entrypoint.sh":"ENTRYPOINT"}}
        """#
}
