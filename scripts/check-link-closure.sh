#!/usr/bin/env bash
# What each shipped binary may link, from Package.swift's target graph (`swift package describe`): the
# supervisor (k8s-worker) links neither the worker's runtime nor any test double or the demo; the worker
# (k8s-worker-process) links nothing of the supervisor. README, "Layout", says why.
# Usage: scripts/check-link-closure.sh [describe.json]  (reads `swift package describe --type json` without one)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -ge 1 ]]; then description="$(cat "$1")"; else description="$(swift package describe --type json)"; fi
python3 - "$description" <<'PY'
import json, sys

targets = {t["name"]: t for t in json.loads(sys.argv[1])["targets"]}
# executable target -> modules its dependency closure must not contain
forbidden = {
    "Supervisor": {"WorkerCore", "KubeExecution", "WorkerProcess", "KubeSimulator", "Demo", "DemoRunner", "Chaos", "TestKit"},
    "WorkerProcess": {"SupervisorCore", "KubePreflight", "KafkaIngest", "KubeconfigLoading", "Supervisor", "KubeSimulator", "Demo",
                      "Chaos", "TestKit"},
}

def closure(name):
    """Every target `name` depends on, directly or not, with the path that first reaches it."""
    seen, stack = {}, [(name, [name])]
    while stack:
        current, path = stack.pop()
        for dependency in targets[current].get("target_dependencies", []):
            if dependency not in seen:
                seen[dependency] = path + [dependency]
                stack.append((dependency, path + [dependency]))
    return seen

problems = []
for executable, banned in forbidden.items():
    if executable not in targets:
        problems.append(f"no target {executable} in Package.swift")
        continue
    reached = closure(executable)
    for module in sorted(banned & reached.keys()):
        problems.append(f"{executable} links {module}: " + " -> ".join(reached[module]))
if problems:
    print("check-link-closure: FAILED", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print("check-link-closure: k8s-worker and k8s-worker-process link only their own process's targets")
PY
