#!/usr/bin/env bash
# The Pulumi CLI in this checkout's offline environment, without set-up (tests that drive another
# program directory with --cwd use it). `npm run pulumi` is the user-facing entry point.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/env.sh
source "$here/env.sh"
exec pulumi "$@"
