"""This project's rules for the Dockerfile and the Kubernetes examples (hadolint runs beside it).

    python scripts/lint_container.py --repo . [--k8s-worker PATH]

Needs dockerfile-parse and PyYAML (scripts/lint-container.sh installs them into a virtual environment).
With --k8s-worker, the configurations in examples/container.yaml and in deployment.yaml's ConfigMap are also
run through `k8s-worker check-config`, with the Deployment's environment. Exits 1 on any finding.
Before checking the real files it checks itself: each Dockerfile rule must fire on a broken example.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from dockerfile_parse import DockerfileParser

URL = re.compile(r"^(https?|ftp|git)://|^git@", re.IGNORECASE)


class Findings:
    def __init__(self):
        self.problems = []

    def check(self, condition, message):
        if not condition:
            self.problems.append(message)
        return condition


# ---- Dockerfile ----------------------------------------------------------------------------------------

def stages(instructions):
    """Splits the instructions into stages: a list of (FROM value, [instructions])."""
    result = []
    for item in instructions:
        if item["instruction"] == "FROM":
            result.append((item["value"], []))
        elif item["instruction"] != "COMMENT" and result:
            result[-1][1].append(item)
    return result


def exec_form(value):
    """The JSON array of an exec-form ENTRYPOINT/CMD, or None for shell form."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, list) and all(isinstance(x, str) for x in parsed) else None


def check_dockerfile(text, findings, ignored_paths=None):
    """Returns the final stage's numeric user id (or None)."""
    with tempfile.TemporaryDirectory() as scratch:
        parser = DockerfileParser(path=scratch)
        parser.content = text
        instructions = parser.structure
    all_stages = stages(instructions)
    names = set()
    findings.check(len(all_stages) >= 2, "Dockerfile: not multi-stage (one FROM)")
    for value, _ in all_stages:
        words = value.split()
        image = words[0]
        if len(words) >= 3 and words[1].upper() == "AS":
            names.add(words[2].lower())
        if image.lower() in names or image == "scratch":
            continue
        tag = image.rsplit("/", 1)[-1]
        pinned = "@sha256:" in image or (":" in tag and not tag.endswith(":latest"))
        findings.check(pinned, f"Dockerfile: base image {image} is not pinned by a tag (or uses latest)")

    for item in instructions:
        kind, value = item["instruction"], item["value"]
        line = item["startline"] + 1
        if kind == "ADD":
            sources = [w for w in value.split() if not w.startswith("--")][:-1]
            findings.check(not any(URL.search(s) for s in sources), f"Dockerfile:{line}: ADD of a URL")
        if kind == "RUN" and re.search(r"\bapt-get\b[^&;|]*\binstall\b", value):
            findings.check("--no-install-recommends" in value, f"Dockerfile:{line}: apt-get install without --no-install-recommends")
            findings.check(re.search(r"rm -rf /var/lib/apt/lists/\*", value) is not None,
                           f"Dockerfile:{line}: apt lists not removed in the same RUN (rm -rf /var/lib/apt/lists/*)")
            findings.check("apt-get update" in value, f"Dockerfile:{line}: apt-get install without apt-get update in the same RUN")
        if kind in ("COPY", "ADD") and ignored_paths is not None and "--from=" not in value:
            for source in [w for w in value.split() if not w.startswith("--")][:-1]:
                findings.check(not ignored_paths(source), f"Dockerfile:{line}: {source} is excluded by .dockerignore")

    if not all_stages:
        return None
    final = all_stages[-1][1]
    kinds = [i["instruction"] for i in final]
    findings.check(any(i["instruction"] == "COPY" and "--from=" in i["value"] for i in final),
                   "Dockerfile: the final stage copies nothing from a build stage")
    users = [i["value"].strip() for i in final if i["instruction"] == "USER"]
    uid = None
    if findings.check(bool(users), "Dockerfile: the final stage sets no USER (runs as root)"):
        user = users[-1]
        parts = user.split(":")
        numeric = all(p.isdigit() for p in parts)
        if findings.check(numeric, f"Dockerfile: final USER {user} is not numeric (uid[:gid])"):
            uid = int(parts[0])
            findings.check(uid != 0 and (len(parts) == 1 or int(parts[1]) != 0), f"Dockerfile: final USER {user} is root")
    entry = [i["value"] for i in final if i["instruction"] == "ENTRYPOINT"]
    if findings.check(bool(entry), "Dockerfile: no ENTRYPOINT"):
        findings.check(exec_form(entry[-1]) == ["/usr/local/bin/k8s-worker"],
                       f"Dockerfile: ENTRYPOINT {entry[-1]} is not the exec form [\"/usr/local/bin/k8s-worker\"]")
    cmd = [i["value"] for i in final if i["instruction"] == "CMD"]
    if findings.check(bool(cmd), "Dockerfile: no CMD"):
        findings.check(exec_form(cmd[-1]) == ["run", "--config", "/etc/k8s-worker/config.yaml"],
                       f"Dockerfile: CMD {cmd[-1]} is not the exec form [\"run\",\"--config\",\"/etc/k8s-worker/config.yaml\"]")
    findings.check(any(i["instruction"] == "STOPSIGNAL" and i["value"].strip() == "SIGTERM" for i in final),
                   "Dockerfile: no STOPSIGNAL SIGTERM")
    findings.check(any(i["instruction"] == "EXPOSE" and "9464" in i["value"].split() for i in final), "Dockerfile: no EXPOSE 9464")
    findings.check(any(i["instruction"] == "ENV" and "K8S_WORKER_METRICS_LISTEN=0.0.0.0:9464" in i["value"] for i in final),
                   "Dockerfile: the final stage does not set K8S_WORKER_METRICS_LISTEN=0.0.0.0:9464")
    labels = " ".join(i["value"] for i in final if i["instruction"] == "LABEL")
    for key in ("org.opencontainers.image.title", "org.opencontainers.image.version"):
        findings.check(key in labels, f"Dockerfile: label {key} missing")
    runtime_installs = " ".join(i["value"] for i in final if i["instruction"] == "RUN")
    findings.check(re.search(r"\b[\w.+-]+-dev\b", runtime_installs) is None, "Dockerfile: the final stage installs -dev packages")
    findings.check("HEALTHCHECK" not in kinds or "curl" in runtime_installs or "wget" in runtime_installs,
                   "Dockerfile: HEALTHCHECK without an HTTP client in the image")
    return uid


def self_test():
    """Every Dockerfile rule must fire on an example that breaks it."""
    good = "\n".join([
        "FROM swift:6.3-bookworm AS build",
        "RUN apt-get update && apt-get install -y --no-install-recommends pkg-config && rm -rf /var/lib/apt/lists/*",
        "FROM debian:bookworm-slim",
        'LABEL org.opencontainers.image.title="t" org.opencontainers.image.version="1"',
        "COPY --from=build /out/k8s-worker /usr/local/bin/",
        "ENV K8S_WORKER_METRICS_LISTEN=0.0.0.0:9464",
        "EXPOSE 9464",
        "USER 10001:10001",
        "STOPSIGNAL SIGTERM",
        'ENTRYPOINT ["/usr/local/bin/k8s-worker"]',
        'CMD ["run", "--config", "/etc/k8s-worker/config.yaml"]',
    ])
    baseline = Findings()
    check_dockerfile(good, baseline)
    assert not baseline.problems, f"self-test: the good example has findings: {baseline.problems}"
    broken = {
        "not multi-stage": good.replace("FROM swift:6.3-bookworm AS build\n", "").replace("--from=build ", ""),
        "not pinned": good.replace("debian:bookworm-slim", "debian"),
        "not pinned by a tag (or uses latest)": good.replace("debian:bookworm-slim", "debian:latest"),
        "sets no USER": good.replace("USER 10001:10001\n", ""),
        "is not numeric": good.replace("USER 10001:10001", "USER k8s-worker"),
        "is root": good.replace("USER 10001:10001", "USER 0"),
        "is not the exec form [\"/usr": good.replace('ENTRYPOINT ["/usr/local/bin/k8s-worker"]', "ENTRYPOINT /usr/local/bin/k8s-worker"),
        "ADD of a URL": good.replace("EXPOSE 9464", "EXPOSE 9464\nADD https://example.com/x /x"),
        "without --no-install-recommends": good.replace(" --no-install-recommends", ""),
        "apt lists not removed": good.replace(" && rm -rf /var/lib/apt/lists/*", ""),
        "no STOPSIGNAL": good.replace("STOPSIGNAL SIGTERM\n", ""),
        "installs -dev packages": good.replace("EXPOSE 9464", "EXPOSE 9464\nRUN apt-get update && apt-get install -y --no-install-recommends libssl-dev && rm -rf /var/lib/apt/lists/*"),
    }
    for expected, text in broken.items():
        findings = Findings()
        check_dockerfile(text, findings)
        assert any(expected in p for p in findings.problems), f"self-test: rule '{expected}' did not fire: {findings.problems}"
    return len(broken)


def self_test_scaled_object():
    """Every ScaledObject rule must fire on an example that breaks it."""
    deployment = {"metadata": {"name": "k8s-worker", "namespace": "ns"}}
    config = {"kafka": {"group_id": "g", "layout": "per-event-type"}}

    def example(**change):
        triggers = [{"type": "kafka", "metadata": {"topic": t, "consumerGroup": "g", "lagThreshold": "50"}}
                    for t in ("create_pod_command", "delete_pod_command")]
        spec = {"scaleTargetRef": {"name": "k8s-worker"}, "minReplicaCount": 1, "maxReplicaCount": 6,
                "triggers": triggers}
        spec.update(change)
        return [{"kind": "ScaledObject", "metadata": {"name": "k8s-worker", "namespace": "ns"}, "spec": spec}]

    baseline = Findings()
    check_scaled_object(example(), deployment, config, baseline)
    assert not baseline.problems, f"self-test: the good ScaledObject has findings: {baseline.problems}"
    broken = {
        "scaleTargetRef is not the Deployment": example(scaleTargetRef={"name": "other"}),
        "maxReplicaCount must be set": example(maxReplicaCount=None),
        "do not cover exactly the command topics": example(triggers=example()[0]["spec"]["triggers"][:1]),
        "is not on the consumer group": example(triggers=[
            {"type": "kafka", "metadata": {"topic": t, "consumerGroup": "other", "lagThreshold": "50"}}
            for t in ("create_pod_command", "delete_pod_command")]),
    }
    for expected, documents in broken.items():
        findings = Findings()
        check_scaled_object(documents, deployment, config, findings)
        assert any(expected in p for p in findings.problems), f"self-test: rule '{expected}' did not fire: {findings.problems}"
    return len(broken)


def dockerignore_matcher(repo):
    """A predicate: is this build-context path excluded by .dockerignore (allow-list form: '*' then '!path')?"""
    lines = [l.strip() for l in (repo / ".dockerignore").read_text().splitlines() if l.strip() and not l.startswith("#")]
    allowed = [l[1:].rstrip("/") for l in lines if l.startswith("!")]
    excludes_all = "*" in lines

    def ignored(path):
        path = path.rstrip("/")
        return excludes_all and not any(path == a or path.startswith(a + "/") for a in allowed)
    return ignored


# ---- Kubernetes examples ----------------------------------------------------------------------------------

def load_documents(path, findings):
    try:
        return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    except yaml.YAMLError as error:
        findings.check(False, f"{path}: not valid YAML: {error}")
        return []


def swift_string(repo, name):
    source = (repo / "Sources/WorkerProcess/KubeManifests/ManifestLabels.swift").read_text()
    match = re.search(rf'static let {name} = "([^"]*)"', source)
    return match.group(1) if match else None


def find(documents, kind):
    return [d for d in documents if isinstance(d, dict) and d.get("kind") == kind]


def check_scaled_object(everything, deployment, config, findings):
    """The KEDA example scales the Deployment, on the Deployment's consumer group and command topics, bounded."""
    scaled = find(everything, "ScaledObject")
    if not findings.check(len(scaled) == 1, "deploy/kubernetes: expected one ScaledObject (KEDA)"):
        return
    spec = scaled[0].get("spec", {})
    target = spec.get("scaleTargetRef", {})
    findings.check(target.get("kind", "Deployment") == "Deployment" and target.get("name") == deployment["metadata"]["name"],
                   "ScaledObject: scaleTargetRef is not the Deployment")
    findings.check(scaled[0]["metadata"].get("namespace") == deployment["metadata"].get("namespace"),
                   "ScaledObject: not in the Deployment's namespace")
    maximum, minimum = spec.get("maxReplicaCount"), spec.get("minReplicaCount", 0)
    findings.check(isinstance(maximum, int) and maximum >= max(minimum, 1),
                   "ScaledObject: maxReplicaCount must be set (the command partitions) and at least minReplicaCount")
    kafka = config.get("kafka", {})
    group = kafka.get("group_id", "k8s-worker")
    layout = kafka.get("layout", "standard")
    topics = ["create_pod_command", "delete_pod_command"] if layout == "per-event-type" else ["saga_commands"]
    triggers = [t for t in spec.get("triggers", []) if t.get("type") == "kafka"]
    findings.check(sorted(t.get("metadata", {}).get("topic") for t in triggers) == sorted(topics),
                   f"ScaledObject: kafka triggers do not cover exactly the command topics {topics} of layout {layout}")
    for trigger in triggers:
        metadata = trigger.get("metadata", {})
        findings.check(metadata.get("consumerGroup") == group,
                       f"ScaledObject: trigger on {metadata.get('topic')} is not on the consumer group {group}")
        findings.check(str(metadata.get("lagThreshold", "")).isdigit(),
                       f"ScaledObject: trigger on {metadata.get('topic')} has no numeric lagThreshold")


def check_kubernetes(repo, findings, image_uid):
    """Returns [(label, config text, environment)] for check-config."""
    folder = repo / "deploy/kubernetes"
    documents = {}
    for path in sorted(folder.glob("*.yaml")):
        documents[path.name] = load_documents(path, findings)
        for document in documents[path.name]:
            findings.check(isinstance(document, dict) and document.get("apiVersion") and document.get("kind")
                           and (document.get("metadata") or {}).get("name"),
                           f"{path.name}: a document without apiVersion, kind or metadata.name")
    for path in sorted((repo / "examples").glob("*.yaml")):
        load_documents(path, findings)

    everything = [d for docs in documents.values() for d in docs]
    accounts = find(everything, "ServiceAccount")
    if not findings.check(len(accounts) == 1, "rbac.yaml: expected one ServiceAccount"):
        return []
    account, namespace = accounts[0]["metadata"]["name"], accounts[0]["metadata"]["namespace"]
    executor = {swift_string(repo, "app"): swift_string(repo, "appValue"),
                swift_string(repo, "component"): swift_string(repo, "executorComponent")}
    findings.check(None not in executor and None not in executor.values(),
                   "ManifestLabels.swift: executor labels not found")

    # Cilium: executors may reach nothing.
    policies = find(everything, "CiliumNetworkPolicy")
    if findings.check(len(policies) == 1, "deploy/kubernetes: expected one CiliumNetworkPolicy"):
        policy = policies[0]
        spec = policy.get("spec", {})
        findings.check(policy["metadata"].get("namespace") == namespace,
                       f"CiliumNetworkPolicy: namespace is not {namespace} (a CNP selects only in its own namespace)")
        findings.check(spec.get("endpointSelector", {}).get("matchLabels") == executor,
                       f"CiliumNetworkPolicy: endpointSelector.matchLabels is not the executor Pods' labels {executor}")
        findings.check(any("all" in (rule.get("toEntities") or []) for rule in spec.get("egressDeny") or []),
                       "CiliumNetworkPolicy: no egressDeny rule to the entity all")
        findings.check(not spec.get("egress"), "CiliumNetworkPolicy: has egress allow rules")

    # The Deployment: in-cluster account of rbac.yaml, restricted Pod Security, probes, drain time.
    deployments = find(everything, "Deployment")
    if not findings.check(len(deployments) == 1, "deploy/kubernetes: expected one Deployment"):
        return []
    deployment = deployments[0]
    findings.check(deployment["metadata"].get("namespace") == namespace, f"Deployment: namespace is not {namespace}")
    pod = deployment["spec"]["template"]
    spec = pod["spec"]
    labels = pod["metadata"].get("labels", {})
    findings.check(not all(labels.get(k) == v for k, v in executor.items()),
                   "Deployment: its Pods carry the executor labels; the deny-all policies would cut them off")
    findings.check(spec.get("serviceAccountName") == account, f"Deployment: serviceAccountName is not {account} (rbac.yaml)")
    findings.check(spec.get("automountServiceAccountToken") is not False, "Deployment: the token is not mounted (in-cluster needs it)")
    findings.check(spec.get("terminationGracePeriodSeconds", 30) >= 65,
                   "Deployment: terminationGracePeriodSeconds below the 60 s drain + 5 s kill grace")
    pod_security = spec.get("securityContext", {})
    findings.check(pod_security.get("runAsNonRoot") is True, "Deployment: runAsNonRoot is not true")
    findings.check(pod_security.get("seccompProfile", {}).get("type") == "RuntimeDefault",
                   "Deployment: seccompProfile is not RuntimeDefault (Pod Security restricted)")
    findings.check(image_uid is None or pod_security.get("runAsUser") == image_uid,
                   f"Deployment: runAsUser is not the image's USER {image_uid}")
    containers = spec.get("containers", [])
    if not findings.check(len(containers) == 1, "Deployment: expected one container"):
        return []
    container = containers[0]
    security = container.get("securityContext", {})
    findings.check(security.get("readOnlyRootFilesystem") is True, "Deployment: readOnlyRootFilesystem is not true")
    findings.check(security.get("allowPrivilegeEscalation") is False, "Deployment: allowPrivilegeEscalation is not false")
    findings.check(security.get("capabilities", {}).get("drop") == ["ALL"], "Deployment: capabilities are not dropped (ALL)")
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports", [])}
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = container.get(probe, {}).get("httpGet", {})
        port = ports.get(get.get("port"), get.get("port"))
        findings.check(get.get("path") == path and port == 9464, f"Deployment: {probe} is not GET {path} on port 9464")
    environment = {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}

    configs = []
    deployment_config = {}
    for config_map in find(everything, "ConfigMap"):
        if "config.yaml" in config_map.get("data", {}):
            deployment_config = yaml.safe_load(config_map["data"]["config.yaml"]) or {}
    check_scaled_object(everything, deployment, deployment_config, findings)
    for config_map in find(everything, "ConfigMap"):
        text = config_map.get("data", {}).get("config.yaml")
        if text is None:
            continue
        config = yaml.safe_load(text)
        kubernetes = config.get("kubernetes", {})
        findings.check(kubernetes.get("source") == "in-cluster", "ConfigMap config.yaml: kubernetes.source is not in-cluster")
        findings.check(kubernetes.get("namespace", "integr8scode") == namespace,
                       f"ConfigMap config.yaml: kubernetes.namespace is not {namespace} (rbac.yaml grants rights there)")
        configs.append(("deployment.yaml ConfigMap config.yaml", text, environment))
    findings.check(bool(configs), "deployment.yaml: no ConfigMap with config.yaml")
    container_config = (repo / "examples/container.yaml").read_text()
    configs.append(("examples/container.yaml", container_config,
                    {"K8S_WORKER_KAFKA_BOOTSTRAP_SERVERS": "kafka:9092"}))
    return configs


def check_configs(binary, configs, findings):
    for label, text, environment in configs:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as file:
            file.write(text)
            file.flush()
            env = {k: v for k, v in os.environ.items() if not k.startswith("K8S_WORKER_")}
            env.update(environment)
            run = subprocess.run([binary, "check-config", "--config", file.name], env=env,
                                 capture_output=True, text=True)
        if findings.check(run.returncode == 0, f"{label}: check-config exit {run.returncode}: {run.stderr.strip()}"):
            print(f"ok:   {label}: check-config accepts it")


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--repo", default=".")
    arguments.add_argument("--k8s-worker", help="a built k8s-worker, to run check-config on the configurations")
    options = arguments.parse_args()
    repo = Path(options.repo).resolve()

    print(f"ok:   self-test: {self_test()} broken Dockerfiles each caught by their rule")
    print(f"ok:   self-test: {self_test_scaled_object()} broken ScaledObjects each caught by their rule")
    findings = Findings()
    uid = check_dockerfile((repo / "Dockerfile").read_text(), findings, dockerignore_matcher(repo))
    configs = check_kubernetes(repo, findings, uid)
    if options.k8s_worker:
        check_configs(options.k8s_worker, configs, findings)
    else:
        print("note: no --k8s-worker given; configurations not run through check-config")
    for problem in findings.problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    if findings.problems:
        return 1
    print("ok:   Dockerfile rules, .dockerignore, YAML syntax, Cilium policy, Deployment, KEDA ScaledObject")
    return 0


if __name__ == "__main__":
    sys.exit(main())
