#!/usr/bin/env bash
# `npm test`: the whole suite. Sets itself up, then: type check, lint, unit tests, and the
# end-to-end tests (real engine, real lab) one file at a time within an explicit time budget.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/setup.sh"
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$GNH_ROOT"

E2E_BUDGET_SECONDS="${GNH_E2E_BUDGET_SECONDS:-2400}"
reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT
suite_start=$SECONDS
status=0

echo "== type check"
npx tsc --noEmit -p tsconfig.json || status=1
echo "== lint"
npx eslint . || status=1
echo "== copy-paste detector (jscpd, clones of 10 or more lines: .jscpd.json)"
npx jscpd . || status=1
echo "== shellcheck"
if command -v shellcheck >/dev/null 2>&1; then
  bash scripts/shell-files.sh | xargs -0 shellcheck -x || status=1
else
  echo "shellcheck is not installed: apt-get install shellcheck (set-up does this as root)"; status=1
fi

echo "== unit tests"
npx vitest run --config vitest.config.mts --reporter=default --reporter=json --outputFile="$reports/unit.json" || status=1

echo "== end-to-end tests (budget ${E2E_BUDGET_SECONDS}s)"
e2e_start=$SECONDS
if [ -f lab/lab.sh ]; then
  # gnh-node-1/-2 and the brownfield node: the first end-to-end files; 3: registry and workloads;
  # 4: destroy; 5: daemon lifecycle and audit rules. Each file damages only its own nodes.
  bash lab/lab.sh up --nodes 5 || status=1
fi
# labDown.test.ts is not part of this run (vitest.e2e.config.mts excludes it): it runs last, below.
timeout --signal=TERM "$E2E_BUDGET_SECONDS" \
  npx vitest run --config vitest.e2e.config.mts --reporter=default --reporter=json --outputFile="$reports/e2e.json" || status=1
if [ "${GNH_LAB_TEST_DOWN:-}" = "1" ]; then
  # Last, because it removes the lab that every other file shares (CI asks for it: .ci/run).
  GNH_LAB_TEST_DOWN=1 npx vitest run --config vitest.labdown.config.mts \
    --reporter=default --reporter=json --outputFile="$reports/e2e-down.json" || status=1
fi
e2e_seconds=$((SECONDS - e2e_start))
echo "end-to-end tests took ${e2e_seconds}s of a ${E2E_BUDGET_SECONDS}s budget"
[ "$e2e_seconds" -le "$E2E_BUDGET_SECONDS" ] || { echo "end-to-end budget exceeded"; status=1; }

# shellcheck disable=SC2016 # a JavaScript program, not shell
SUITE_SECONDS=$((SECONDS - suite_start)) node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
for (const f of process.argv.slice(1)) {
  if (!fs.existsSync(f)) { failed += 1; console.log(`no report ${f}: counted as a failure`); continue; }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests + (r.numFailedTestSuites || 0); skipped += r.numPendingTests + (r.numTodoTests || 0);
}
console.log(`suite took ${process.env.SUITE_SECONDS}s`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed === 0) process.exitCode = 1;
' "$reports/unit.json" "$reports/e2e.json" ${GNH_LAB_TEST_DOWN:+"$reports/e2e-down.json"} || status=1
exit "$status"
