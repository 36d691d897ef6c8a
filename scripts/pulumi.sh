#!/usr/bin/env bash
# `npm run pulumi -- <args>`: the Pulumi CLI in the project's offline environment.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/setup.sh" --quiet
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$GNH_ROOT"
exec pulumi "$@"
