#!/usr/bin/env bash
# One pool of a fleet: its stack's `up` (drift repaired), then its audit shard. What each job of
# the CI matrix in pools-ci.yml runs; test/e2e/pools.test.ts runs it for two lab pools at once.
#
#   examples/pools/run-pool.sh POOL FLEET_FILE OUT_DIR
#
# Stack: ${GNH_POOL_STACK_PREFIX:-pool-}POOL. Extra `pulumi up` arguments (a policy pack, say):
# GNH_POOL_UP_ARGS. Writes OUT_DIR/audit-POOL.sarif, whose run has automationDetails.id
# gnh-audit/POOL/. Exit status: the first failure of up or the audit (the SARIF is written first).
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: run-pool.sh POOL FLEET_FILE OUT_DIR" >&2; exit 2; }
pool="$1" fleet="$2" out="$3"
stack="${GNH_POOL_STACK_PREFIX:-pool-}$pool"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
pulumi() { npm run --silent pulumi -- "$@" --stack "$stack" --non-interactive; }

npm run --silent pulumi -- stack select "$stack" --create --non-interactive
pulumi config set fleetFile "$fleet"
pulumi config set pool "$pool"
status=0
# shellcheck disable=SC2086 # GNH_POOL_UP_ARGS is a list of arguments
pulumi up --yes --skip-preview --refresh ${GNH_POOL_UP_ARGS:-} || status=$?
mkdir -p "$out"
npm run --silent audit -- --fleet "$fleet" --pool "$pool" --format sarif --output "$out/audit-$pool.sarif" || { [ "$status" -ne 0 ] || status=$?; }
exit "$status"
