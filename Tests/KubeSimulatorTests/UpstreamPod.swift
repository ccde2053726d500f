import Events

/// The Pod from upstream-contract.md §3.3 (namespace changed to `secure`): it satisfies Pod Security "restricted".
enum UpstreamPod {
    static let text = #"""
        {
         "apiVersion": "v1",
         "kind": "Pod",
         "metadata": {
          "name": "executor-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
          "namespace": "secure",
          "labels": {
           "app": "integr8s",
           "component": "executor",
           "execution-id": "5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
           "language": "python",
           "kueue.x-k8s.io/queue-name": "executor-queue",
           "user-id": "7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e",
           "saga-id": "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34"
          },
          "annotations": {
           "integr8s.io/execution-id": "5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
           "integr8s.io/created-by": "kubernetes-worker",
           "integr8s.io/language": "python",
           "integr8s.io/saga-id": "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34"
          }
         },
         "spec": {
          "activeDeadlineSeconds": 5,
          "automountServiceAccountToken": false,
          "enableServiceLinks": false,
          "hostIPC": false,
          "hostNetwork": false,
          "hostPID": false,
          "hostUsers": false,
          "restartPolicy": "Never",
          "securityContext": {
           "fsGroup": 1000,
           "fsGroupChangePolicy": "OnRootMismatch",
           "runAsGroup": 1000,
           "runAsNonRoot": true,
           "runAsUser": 1000,
           "seccompProfile": {
            "type": "RuntimeDefault"
           }
          },
          "containers": [
           {
            "name": "executor",
            "image": "python:3.11-slim",
            "command": [
             "/bin/sh",
             "/entry/entrypoint.sh",
             "python",
             "/scripts/main.py"
            ],
            "env": [
             {
              "name": "EXECUTION_ID",
              "value": "5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90"
             },
             {
              "name": "OUTPUT_PATH",
              "value": "/output"
             }
            ],
            "resources": {
             "limits": {
              "cpu": "1000m",
              "memory": "128Mi"
             },
             "requests": {
              "cpu": "200m",
              "memory": "128Mi"
             }
            },
            "securityContext": {
             "allowPrivilegeEscalation": false,
             "capabilities": {
              "drop": [
               "ALL"
              ]
             },
             "readOnlyRootFilesystem": true,
             "runAsGroup": 1000,
             "runAsNonRoot": true,
             "runAsUser": 1000,
             "seccompProfile": {
              "type": "RuntimeDefault"
             }
            },
            "stdin": false,
            "tty": false,
            "terminationMessagePolicy": "FallbackToLogsOnError",
            "volumeMounts": [
             {
              "mountPath": "/scripts",
              "name": "script-volume",
              "readOnly": true
             },
             {
              "mountPath": "/entry",
              "name": "entrypoint-volume",
              "readOnly": true
             },
             {
              "mountPath": "/output",
              "name": "output-volume"
             },
             {
              "mountPath": "/tmp",
              "name": "tmp-volume"
             }
            ]
           }
          ],
          "volumes": [
           {
            "name": "script-volume",
            "configMap": {
             "name": "script-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
             "items": [
              {
               "key": "main.py",
               "path": "main.py"
              }
             ]
            }
           },
           {
            "name": "entrypoint-volume",
            "configMap": {
             "name": "script-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
             "items": [
              {
               "key": "entrypoint.sh",
               "path": "entrypoint.sh"
              }
             ]
            }
           },
           {
            "name": "output-volume",
            "emptyDir": {
             "sizeLimit": "10Mi"
            }
           },
           {
            "name": "tmp-volume",
            "emptyDir": {
             "sizeLimit": "10Mi"
            }
           }
          ]
         }
        }
        """#

    /// The pod as JSON.
    static var object: JSONObject { TestSupport.json(text).objectValue ?? JSONObject() }
}
