#!/usr/bin/env bash
# `npm run compare:docker-bench -- DOCKER_BENCH_DIR [NODE]`: runs docker-bench-security 1.6.0 (a
# checkout of https://github.com/docker/docker-bench-security, never part of this repository) and
# gnh-audit --benchmark on the same hardened lab node with the same containers, and prints which
# docker-bench warnings our findings match per control and container. Leaves the node reset.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench=${1:?usage: compare.sh DOCKER_BENCH_DIR [NODE]}
node=${2:-gnh-node-3}
[ -f "$bench/docker-bench-security.sh" ] || { printf 'compare: %s has no docker-bench-security.sh\n' "$bench" >&2; exit 2; }
# shellcheck source=scripts/env.sh
source "$here/../env.sh"
cd "$GNH_ROOT"
out=$(mktemp -d /tmp/gnh-docker-bench.XXXXXX)
stack="docker-bench-$node"
cleanup() {
  pulumi stack rm --yes --force --stack "$stack" >/dev/null 2>&1 || true
  bash lab/lab.sh reset "$node" >/dev/null 2>&1 || true
}
trap cleanup EXIT
bash lab/lab.sh reset "$node" >&2
pulumi stack select "$stack" --create --non-interactive >/dev/null
pulumi config set fleetFile "$GNH_ROOT/.lab/fleet.yaml" --stack "$stack"
pulumi config set --path 'nodes[0]' "$node" --stack "$stack"
printf '== hardening %s (pulumi up)\n' "$node" >&2
pulumi up --yes --skip-preview --non-interactive --stack "$stack" >"$out/up.log" 2>&1 || { cat "$out/up.log" >&2; exit 1; }
printf '== containers on %s\n' "$node" >&2
docker exec -i "$node" sh -s <"$here/containers.sh" >&2
docker exec "$node" rm -rf /opt/docker-bench
# not under /tmp: docker cp cannot write into the tmpfs the node mounts there
docker cp "$bench" "$node:/opt/docker-bench" >/dev/null
printf '== docker-bench-security\n' >&2
docker exec -w /opt/docker-bench "$node" bash docker-bench-security.sh -b -l /opt/docker-bench/log/bench >"$out/docker-bench.txt" 2>&1 || true
docker cp "$node:/opt/docker-bench/log/bench.json" "$out/docker-bench.json" >/dev/null
printf '== gnh-audit --benchmark cis-docker-1.6.0\n' >&2
node audit/bin/gnh-audit.js --fleet .lab/fleet.yaml --node "$node" --benchmark cis-docker-1.6.0 --format json --output "$out/gnh.json" || true
node -r ts-node/register/transpile-only "$here/compare.ts" "$out/docker-bench.json" "$out/gnh.json"
printf '(raw reports in %s)\n' "$out" >&2
