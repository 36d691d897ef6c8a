# shellcheck shell=bash
# The offline Pulumi environment that every entry point (set-up, `npm run pulumi`, tests, demo)
# shares. Sourced, never executed. Callers set GNH_ROOT first or let it default to the checkout.

GNH_ROOT="${GNH_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
GNH_TOOLS_DIR="${GNH_TOOLS_DIR:-$GNH_ROOT/.tools}"
GNH_PULUMI_VERSION="3.276.0"
# The oldest CLI we accept from PATH: Node.js policy packs run through the language host from 3.221.
# shellcheck disable=SC2034 # read by the scripts that source this file
GNH_PULUMI_MIN_VERSION="3.221.0"
GNH_PULUMI_BUILD_DIR="$GNH_TOOLS_DIR/pulumi/v$GNH_PULUMI_VERSION"
GNH_STATE_DIR="${GNH_STATE_DIR:-$GNH_ROOT/.pulumi-state}"

export GNH_ROOT GNH_TOOLS_DIR GNH_PULUMI_VERSION GNH_PULUMI_BUILD_DIR GNH_STATE_DIR
export PULUMI_HOME="$GNH_TOOLS_DIR/pulumi-home"
export PULUMI_BACKEND_URL="file://$GNH_STATE_DIR"
export PULUMI_SKIP_UPDATE_CHECK=true
# Programs are type-checked once by `npm test` (tsc); ts-node only transpiles, which is much faster.
export PULUMI_NODEJS_TRANSPILE_ONLY=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_CONFIG_PASSPHRASE_FILE="$GNH_STATE_DIR/passphrase"
# The passphrase is the file's, always: Pulumi reads PULUMI_CONFIG_PASSPHRASE first, so one left
# in the caller's environment (empty, or another project's) would encrypt with the wrong secret.
unset PULUMI_CONFIG_PASSPHRASE
# Our own build of the CLI, with the language host beside it, comes first when it exists.
if [ -x "$GNH_PULUMI_BUILD_DIR/bin/pulumi" ]; then
  case ":$PATH:" in
    *":$GNH_PULUMI_BUILD_DIR/bin:"*) ;;
    *) export PATH="$GNH_PULUMI_BUILD_DIR/bin:$PATH" ;;
  esac
fi
