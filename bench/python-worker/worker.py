"""The upstream-equivalent Python K8s worker: the benchmark's baseline column for the system k8s-worker replaces.

It does for a `create_pod_command` what Integr8sCode's K8s worker does (backend/app/services/k8s_worker/worker.py
and pod_builder.py, run by backend/workers/run_k8s_worker.py with the subscriber of backend/app/events/handlers.py),
one command at a time: consume the command, create the ConfigMap holding the script and the entrypoint, create the
Pod, patch the ConfigMap's ownerReferences to the Pod, publish `pod_created` (or `execution_failed`) keyed by the
execution id and wait for the broker's acknowledgement, then commit the command's offset. Upstream's Redis
idempotency guard and its MongoDB copy of each published event are left out (the benchmark has neither), which
makes this worker somewhat faster than upstream, never slower.

stdout carries two JSON lines: {"event": "first_consumed", ...} when the first command is read (the benchmark
samples the process's CPU time there), and {"event": "done", ...} when the worker stops, with the count and the
CLOCK_MONOTONIC nanoseconds of the first command consumed and the last event acknowledged. Logs go to stderr and
never carry a script or an API response body.
"""

import argparse
import asyncio
import json
import logging
import signal
import sys
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord
from kubernetes_asyncio import client as k8s
from kubernetes_asyncio import config as k8s_config
from kubernetes_asyncio.client.rest import ApiException

log = logging.getLogger("python-worker")

# What upstream mounts as entrypoint.sh when the image carries none: output to /output, then the runtime command.
ENTRYPOINT = """#!/bin/sh
set -e
OUTPUT_DIR="${OUTPUT_PATH:-/output}"
mkdir -p "$OUTPUT_DIR"
cd /scripts
exec "$@" >>"$OUTPUT_DIR/stdout.log" 2>>"$OUTPUT_DIR/stderr.log"
"""


def parse_arguments() -> argparse.Namespace:
    """The command line (--help describes it)."""
    parser = argparse.ArgumentParser(
        description="Upstream-equivalent Python K8s worker (aiokafka + kubernetes_asyncio), for the benchmark.",
        epilog=(
            'stdout: {"event": "first_consumed", ...} when the first command is read, and {"event": "done", ...} '
            "with the counts and CLOCK_MONOTONIC timestamps when the worker stops. Exit status: 0 after COMMANDS "
            "commands or a signal (SIGTERM, SIGINT), 1 on a fatal error."
        ),
    )
    parser.add_argument("--bootstrap-servers", required=True, help="Kafka bootstrap servers, host:port[,...]")
    parser.add_argument("--kubeconfig", required=True, help="kubeconfig file of the cluster (its current context)")
    parser.add_argument("--command-topic", default="saga_commands", help="topic of the create commands")
    parser.add_argument("--pod-events-topic", default="pod_events", help="topic of pod_created")
    parser.add_argument("--execution-events-topic", default="execution_events", help="topic of execution_failed")
    parser.add_argument("--group-id", default="k8s-worker", help="consumer group")
    parser.add_argument("--namespace", default="integr8scode", help="namespace of the Pods and ConfigMaps")
    parser.add_argument("--commands", type=int, default=0, help="exit after this many commands (0: never)")
    return parser.parse_args()


def config_map_manifest(command: dict[str, Any], namespace: str) -> k8s.V1ConfigMap:
    """The ConfigMap `script-<id>`: the user's script under its runtime file name, and the entrypoint."""
    execution_id = command["execution_id"]
    labels = {"app": "integr8s", "component": "execution-script", "execution-id": execution_id}
    if command.get("saga_id"):
        labels["saga-id"] = command["saga_id"]
    return k8s.V1ConfigMap(
        api_version="v1",
        kind="ConfigMap",
        metadata=k8s.V1ObjectMeta(name=f"script-{execution_id}", namespace=namespace, labels=labels),
        data={command["runtime_filename"]: command["script"], "entrypoint.sh": ENTRYPOINT},
    )


def pod_manifest(command: dict[str, Any], namespace: str) -> k8s.V1Pod:
    """The Pod `executor-<id>` as upstream's PodBuilder shapes it: restricted security, no API access, the script
    and entrypoint mounted from the ConfigMap, small emptyDirs for output and /tmp, the command's deadline."""
    execution_id = command["execution_id"]
    config_map = f"script-{execution_id}"
    filename = command["runtime_filename"]
    user_id = (command.get("metadata") or {}).get("user_id", "")
    saga_id = command.get("saga_id") or ""
    labels = {
        "app": "integr8s",
        "component": "executor",
        "execution-id": execution_id,
        "language": command["language"],
        "user-id": user_id[:63],
    }
    annotations = {
        "integr8s.io/execution-id": execution_id,
        "integr8s.io/created-by": "kubernetes-worker",
        "integr8s.io/language": command["language"],
    }
    if saga_id:
        labels["saga-id"] = saga_id[:63]
        annotations["integr8s.io/saga-id"] = saga_id
    container = k8s.V1Container(
        name="executor",
        image=command["runtime_image"],
        command=["/bin/sh", "/entry/entrypoint.sh", *command["runtime_command"]],
        volume_mounts=[
            k8s.V1VolumeMount(name="script-volume", mount_path="/scripts", read_only=True),
            k8s.V1VolumeMount(name="entrypoint-volume", mount_path="/entry", read_only=True),
            k8s.V1VolumeMount(name="output-volume", mount_path="/output"),
            k8s.V1VolumeMount(name="tmp-volume", mount_path="/tmp"),
        ],
        resources=k8s.V1ResourceRequirements(
            requests={"cpu": command.get("cpu_request") or "100m", "memory": command.get("memory_request") or "128Mi"},
            limits={"cpu": command.get("cpu_limit") or "1000m", "memory": command.get("memory_limit") or "128Mi"},
        ),
        env=[
            k8s.V1EnvVar(name="EXECUTION_ID", value=execution_id),
            k8s.V1EnvVar(name="OUTPUT_PATH", value="/output"),
        ],
        security_context=k8s.V1SecurityContext(
            run_as_non_root=True,
            run_as_user=1000,
            run_as_group=1000,
            read_only_root_filesystem=True,
            allow_privilege_escalation=False,
            capabilities=k8s.V1Capabilities(drop=["ALL"]),
            seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
        ),
        stdin=False,
        tty=False,
    )
    spec = k8s.V1PodSpec(
        containers=[container],
        restart_policy="Never",
        active_deadline_seconds=command.get("timeout_seconds") or 300,
        volumes=[
            k8s.V1Volume(
                name="script-volume",
                config_map=k8s.V1ConfigMapVolumeSource(
                    name=config_map, items=[k8s.V1KeyToPath(key=filename, path=filename)]
                ),
            ),
            k8s.V1Volume(
                name="entrypoint-volume",
                config_map=k8s.V1ConfigMapVolumeSource(
                    name=config_map, items=[k8s.V1KeyToPath(key="entrypoint.sh", path="entrypoint.sh")]
                ),
            ),
            k8s.V1Volume(name="output-volume", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="10Mi")),
            k8s.V1Volume(name="tmp-volume", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="10Mi")),
        ],
        enable_service_links=False,
        automount_service_account_token=False,
        host_network=False,
        host_pid=False,
        host_ipc=False,
        security_context=k8s.V1PodSecurityContext(
            run_as_non_root=True,
            run_as_user=1000,
            run_as_group=1000,
            fs_group=1000,
            fs_group_change_policy="OnRootMismatch",
            seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
        ),
    )
    metadata = k8s.V1ObjectMeta(
        name=f"executor-{execution_id}", namespace=namespace, labels=labels, annotations=annotations
    )
    return k8s.V1Pod(api_version="v1", kind="Pod", metadata=metadata, spec=spec)


def event(event_type: str, command: dict[str, Any], fields: dict[str, Any]) -> bytes:
    """An event in upstream's envelope (event id, type, version, timestamp, aggregate, the command's metadata)."""
    body = {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "event_version": "1.0",
        "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "aggregate_id": command["execution_id"],
        "metadata": command.get("metadata") or {},
        "execution_id": command["execution_id"],
        **fields,
    }
    return json.dumps(body).encode()


def failure_reason(error: Exception) -> str:
    """What a failure is, without the API's response body (it can echo the manifest, script included)."""
    if isinstance(error, ApiException):
        return f"Kubernetes API {error.status} {error.reason}"
    return f"{type(error).__name__}: {error}"


class Worker:
    """Creates one execution's objects and publishes its event, as upstream's KubernetesWorker does."""

    def __init__(self, core: k8s.CoreV1Api, producer: AIOKafkaProducer, arguments: argparse.Namespace) -> None:
        self.core = core
        self.producer = producer
        self.arguments = arguments
        self.namespace: str = arguments.namespace

    async def create(self, command: dict[str, Any]) -> bool:
        """ConfigMap, Pod, owner patch, then `pod_created`; on a failure `execution_failed`. True when created."""
        execution_id = command["execution_id"]
        try:
            config_map = config_map_manifest(command, self.namespace)
            try:
                await self.core.create_namespaced_config_map(namespace=self.namespace, body=config_map)
            except ApiException as error:
                if error.status != 409:
                    raise
                log.warning("ConfigMap for %s already exists", execution_id)
            pod = pod_manifest(command, self.namespace)
            created: k8s.V1Pod | None = None
            try:
                created = await self.core.create_namespaced_pod(namespace=self.namespace, body=pod)
            except ApiException as error:
                if error.status != 409:
                    raise
                log.warning("Pod for %s already exists", execution_id)
            if created is not None and created.metadata is not None and created.metadata.uid:
                await self.set_owner(config_map.metadata.name, created)
            fields = {"pod_name": pod.metadata.name, "namespace": self.namespace}
            await self.publish(self.arguments.pod_events_topic, "pod_created", command, fields)
            return True
        except Exception as error:  # upstream reports every failure as an execution_failed event
            reason = failure_reason(error)
            log.error("creating the pod for %s failed: %s", execution_id, reason)
            fields = {"error_type": "system_error", "exit_code": -1, "stderr": f"Failed to create pod: {reason}"}
            await self.publish(self.arguments.execution_events_topic, "execution_failed", command, fields)
            return False

    async def set_owner(self, config_map: str, pod: k8s.V1Pod) -> None:
        """Makes the Pod the ConfigMap's owner, so deleting the Pod garbage-collects the script."""
        owner = k8s.V1OwnerReference(
            api_version="v1", kind="Pod", name=pod.metadata.name, uid=pod.metadata.uid, block_owner_deletion=False
        )
        try:
            await self.core.patch_namespaced_config_map(
                name=config_map, namespace=self.namespace, body={"metadata": {"ownerReferences": [owner]}}
            )
        except ApiException as error:
            log.warning("setting the owner of %s failed: %s", config_map, failure_reason(error))

    async def publish(self, topic: str, event_type: str, command: dict[str, Any], fields: dict[str, Any]) -> None:
        """Sends the event keyed by the execution id and waits for the broker's acknowledgement, as upstream's
        producer awaits its publish."""
        await self.producer.send_and_wait(
            topic,
            value=event(event_type, command, fields),
            key=command["execution_id"].encode(),
            headers=[("event_type", event_type.encode())],
        )


def emit(line: dict[str, Any]) -> None:
    """One machine-readable line on stdout, flushed at once (the benchmark acts on the first as it comes)."""
    print(json.dumps(line), flush=True)


async def consume(consumer: AIOKafkaConsumer, worker: Worker, limit: int, state: dict[str, Any]) -> None:
    """One command at a time: read, handle, commit (upstream's subscriber acknowledges after its handler)."""
    while limit == 0 or state["commands"] < limit:
        record: ConsumerRecord = await consumer.getone()
        if state["first_consumed_monotonic_ns"] is None:
            state["first_consumed_monotonic_ns"] = time.monotonic_ns()
            emit({"event": "first_consumed", "monotonic_ns": state["first_consumed_monotonic_ns"]})
        try:
            command = json.loads(record.value)
        except ValueError:
            command = None
            log.error("record %s:%d@%d is not JSON; skipped", record.topic, record.partition, record.offset)
        if isinstance(command, dict) and command.get("event_type") == "create_pod_command":
            created = await worker.create(command)
            state["created" if created else "failed"] += 1
            state["last_published_monotonic_ns"] = time.monotonic_ns()
        state["commands"] += 1
        partition = TopicPartition(record.topic, record.partition)
        await consumer.commit({partition: record.offset + 1})


async def run(arguments: argparse.Namespace) -> dict[str, Any]:
    """Runs until the command limit or a signal; the signal cancels whatever is awaited, and an unfinished
    command stays uncommitted (the group redelivers it), as when upstream's worker is stopped."""
    state: dict[str, Any] = {
        "commands": 0,
        "created": 0,
        "failed": 0,
        "first_consumed_monotonic_ns": None,
        "last_published_monotonic_ns": None,
        "stopped_by_signal": False,
    }
    work = asyncio.current_task()
    assert work is not None

    def stop() -> None:
        if not state["stopped_by_signal"]:
            state["stopped_by_signal"] = True
            work.cancel()

    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop)
    api: k8s.ApiClient | None = None
    consumer = AIOKafkaConsumer(
        arguments.command_topic,
        bootstrap_servers=arguments.bootstrap_servers,
        group_id=arguments.group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(bootstrap_servers=arguments.bootstrap_servers)
    try:
        api = await k8s_config.new_client_from_config(config_file=arguments.kubeconfig)
        await producer.start()
        await consumer.start()
        worker = Worker(k8s.CoreV1Api(api), producer, arguments)
        await consume(consumer, worker, arguments.commands, state)
    except asyncio.CancelledError:
        if not state["stopped_by_signal"]:
            raise
    finally:
        await consumer.stop()
        await producer.stop()
        if api is not None:
            await api.close()
    return state


def main() -> None:
    """Parses the arguments, runs the worker, prints the final line."""
    arguments = parse_arguments()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
    # A parent that blocks these signals (the benchmark reads its own from a signalfd) passes its mask on.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        state = asyncio.run(run(arguments))
    except Exception as error:
        log.error("fatal: %s", failure_reason(error))
        sys.exit(1)
    emit({"event": "done", **state})


if __name__ == "__main__":
    main()
