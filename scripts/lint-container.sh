#!/usr/bin/env bash
# Static checks of the container image recipe and the Kubernetes examples. No Docker engine or cluster is
# needed (none runs here), so the image is linted, not built.
#
#   bash scripts/lint-container.sh [K8S_WORKER]
#
# K8S_WORKER: a built k8s-worker; if given, the configurations of examples/container.yaml and of
# deploy/kubernetes/deployment.yaml's ConfigMap must pass its `check-config`.
# Installs hadolint, dockerfile-parse and PyYAML from PyPI (scripts/lint-requirements.txt) into
# .build/lint-venv the first time (needs python3 with venv; scripts/setup.sh installs python3-venv).
#
# Checks:
#  1. hadolint on Dockerfile: no finding at any level (the few ignores are inline, with their reason).
#  2. scripts/lint_container.py (first proving each rule fires on a broken Dockerfile): multi-stage; base
#     images pinned by tag, never latest; the final stage's USER numeric and not root; ENTRYPOINT and CMD in
#     exec form; no ADD of a URL; every apt-get install with --no-install-recommends, apt-get update and
#     rm -rf /var/lib/apt/lists/* in the same RUN; no -dev package in the final stage; STOPSIGNAL SIGTERM,
#     EXPOSE 9464, K8S_WORKER_METRICS_LISTEN, OCI labels; every COPY source let through by .dockerignore.
#  3. Every deploy/kubernetes/*.yaml and examples/*.yaml parses (yaml.safe_load_all); the Cilium policy
#     selects exactly the executor labels of ManifestLabels.swift and denies all egress; the Deployment uses
#     rbac.yaml's ServiceAccount and namespace, the image's numeric user, non-root, read-only root
#     filesystem, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault, probes on
#     /healthz and /readyz port 9464, and a grace period above the drain; the KEDA ScaledObject scales that
#     Deployment, with maxReplicaCount set, on its consumer group and exactly its layout's command topics.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${LINT_VENV:-$here/.build/lint-venv}"
requirements="$here/scripts/lint-requirements.txt"
stamp="$venv/.requirements"

if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
    echo "== installing lint tools into $venv"
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$stamp"
fi

fail=0
echo "== $("$venv/bin/hadolint" --version) Dockerfile"
if "$venv/bin/hadolint" "$here/Dockerfile"; then
    echo "ok:   hadolint: no findings"
else
    echo "FAIL: hadolint findings above" >&2; fail=1
fi

echo "== lint_container.py"
"$venv/bin/python" "$here/scripts/lint_container.py" --repo "$here" ${1:+--k8s-worker "$1"} || fail=1

echo
if (( fail )); then
    echo "lint-container: FAILED"
    exit 1
fi
echo "lint-container: all checks passed"
