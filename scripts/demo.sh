#!/usr/bin/env bash
# `npm run demo`: the main job on the embedded default. Starts the local lab (GPU-node hosts
# in containers), then hardens every lab node with `pulumi up` (real engine, real SSH), shows
# that a second run changes nothing, and that the policy pack passes what was applied.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/setup.sh"
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$GNH_ROOT"

stack="${GNH_DEMO_STACK:-demo}"
echo "== starting the lab"
bash lab/lab.sh up
echo "== stack $stack"
pulumi stack select "$stack" --create --non-interactive >/dev/null
pulumi config set fleetFile "$GNH_ROOT/.lab/fleet.yaml" --stack "$stack"
echo "== pulumi up: harden every lab node"
pulumi up --yes --skip-preview --non-interactive --stack "$stack" --policy-pack policies
echo "== second run: nothing to change"
pulumi preview --refresh --expect-no-changes --non-interactive --stack "$stack"
echo "== done: 'npm run pulumi -- stack output --stack $stack' shows each node's daemon.json hash"
