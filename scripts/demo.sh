#!/usr/bin/env bash
# `npm run demo`: the main job on the embedded default. Starts the local lab (GPU-node hosts in
# containers: green ones, one left the way NVIDIA's install guide leaves a host, and three reached
# the way real fleets reach nodes: as a sudo user, by SSH certificates, through a bastion), hardens every
# node with `pulumi up` of stack `lab` (real engine, real SSH, the policy pack on), prints what
# each node now runs, then checks that a second run has nothing to do.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/setup.sh"
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$GNH_ROOT"

stack="${GNH_DEMO_STACK:-lab}"
echo "== starting the lab"
bash lab/lab.sh up
echo "== stack $stack"
# A new stack each time: the lab may have been resized since the last demo, and a stack that still
# holds nodes the lab no longer has would fail its refresh on them. The nodes keep what an earlier
# run applied; the up below finds it and adopts it.
pulumi stack rm "$stack" --yes --force --non-interactive >/dev/null 2>&1 || true
pulumi stack select "$stack" --create --non-interactive >/dev/null
pulumi config set fleetFile "$GNH_ROOT/.lab/fleet.yaml" --stack "$stack"
echo "== pulumi up: harden every lab node (policy pack on)"
# previews trust NVIDIA's apt key only; the lab's mirror key is listed in the pack's configuration
pulumi up --yes --skip-preview --refresh --non-interactive --stack "$stack" --policy-pack policies --policy-pack-config "$GNH_ROOT/.lab/policy-config.json"
echo
echo "== what each node runs now"
pulumi stack output nodes --json --stack "$stack" | node -e '
const nodes = JSON.parse(require("fs").readFileSync(0, "utf8"));
const rows = [["node", "toolkit", "daemon.json (sha256)", "seccomp profile (sha256)"]];
for (const [name, n] of Object.entries(nodes)) rows.push([name, n.toolkit, n.daemonSettingsHash.slice(0, 16), n.seccompSha256.slice(0, 16)]);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
for (const row of rows) console.log(row.map((c, i) => String(c).padEnd(widths[i])).join("  "));
'
for node in $(pulumi stack output nodes --json --stack "$stack" | node -e 'console.log(Object.keys(JSON.parse(require("fs").readFileSync(0,"utf8"))).join(" "))'); do
  printf '%-18s %s\n' "$node" "$(bash lab/lab.sh ssh "$node" "docker info --format 'live-restore={{.LiveRestoreEnabled}} runtimes={{range \$k, \$v := .Runtimes}}{{\$k}},{{end}} security={{join .SecurityOptions \",\"}}'")"
done
echo
echo "== second run: drift check against the nodes themselves"
if pulumi preview --refresh --expect-no-changes --non-interactive --stack "$stack" >/dev/null; then
  echo "no changes: every node matches what was applied"
else
  echo "the second run found changes (see: npm run pulumi -- preview --refresh --diff --stack $stack)" >&2
  exit 1
fi
