#!/usr/bin/env bash
# Validates Kubernetes objects (JSON or YAML files) against the API's own schemas, strictly: an unknown field,
# a wrong type or a missing required field fails. Used by the render test (Tests/IntegrationTests) on the Pod
# and ConfigMap `k8s-worker render` prints.
#
#   bash scripts/validate-manifests.sh FILE...
#
# KUBERNETES_VERSION (default 1.33.0, the simulator's default) picks the schema version.
# Installs kubernetes-validate from PyPI (scripts/validate-requirements.txt) into .build/validate-venv the first
# time (needs python3 with venv; scripts/setup.sh installs python3-venv). Exits non-zero on any failure,
# including a failed installation: a check that cannot run is not a pass.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VALIDATE_VENV:-$here/.build/validate-venv}"
requirements="$here/scripts/validate-requirements.txt"
stamp="$venv/.requirements"

if (( $# == 0 )); then
    echo "usage: validate-manifests.sh FILE..." >&2
    exit 64
fi
# One installer at a time (tests may run this concurrently).
exec 9>"$(dirname "$venv")/.validate-venv.lock"
flock 9
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
    echo "== installing kubernetes-validate into $venv" >&2
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$stamp"
fi
flock -u 9
exec "$venv/bin/kubernetes-validate" --strict --kubernetes-version "${KUBERNETES_VERSION:-1.33.0}" "$@"
