#!/usr/bin/env bash
# One-command, idempotent set-up: npm dependencies, the Pulumi CLI with a Node.js language
# host, and the offline Pulumi environment. Every entry point calls it; a second run only
# checks stamps. Errors are one line that says what to install.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/env.sh
source "$here/env.sh"

quiet=false
[ "${1:-}" = "--quiet" ] && quiet=true
say() { $quiet || printf 'setup: %s\n' "$*" >&2; }
die() { printf 'gpu-node-hardening set-up: %s\n' "$*" >&2; exit 2; }

version_at_least() { # version_at_least HAVE WANT
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

require_node() {
  command -v node >/dev/null 2>&1 || die "Node.js >= 20 is not installed: install Node.js 20 or newer (with npm)."
  command -v npm >/dev/null 2>&1 || die "npm is not installed: install npm (it ships with Node.js)."
  local have
  have="$(node -p 'process.versions.node')"
  version_at_least "$have" "20.0.0" || die "Node.js $have is too old: install Node.js 20 or newer."
}

install_npm_dependencies() {
  local stamp="$GNH_ROOT/node_modules/.gnh-lock-stamp" want
  want="$(sha256sum "$GNH_ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return
  fi
  say "installing npm dependencies (npm ci)"
  # --ignore-scripts: no install hook may reach the network (plugin downloads), and none is needed.
  (cd "$GNH_ROOT" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) \
    || die "npm ci failed in $GNH_ROOT (see the npm output above)."
  printf '%s' "$want" > "$stamp"
}

# The audit CLI and the gnh provider start from JavaScript in dist/ (no compiler at start-up);
# a no-op when dist/ matches the sources (tools/compiled/sources.js).
precompile_entry_points() {
  node "$GNH_ROOT/tools/compiled/build.js" || die "precompiling into $GNH_ROOT/dist failed (see above)."
}

ambient_pulumi_is_usable() {
  local candidate have
  candidate="$(PATH="${PATH//$GNH_PULUMI_BUILD_DIR\/bin:/}" command -v pulumi 2>/dev/null)" || return 1
  have="$("$candidate" version 2>/dev/null | sed 's/^v//')" || return 1
  [ -n "$have" ] && version_at_least "$have" "$GNH_PULUMI_MIN_VERSION"
}

# A usable Pulumi CLI (ours, built before, or one on PATH), or Go to build one: checked before
# anything is installed, so that a machine without either learns it first.
pulumi_cli_is_ready() {
  { [ -x "$GNH_PULUMI_BUILD_DIR/bin/pulumi" ] && [ -f "$GNH_PULUMI_BUILD_DIR/.complete" ]; } || ambient_pulumi_is_usable
}

require_pulumi_or_go() {
  pulumi_cli_is_ready || command -v go >/dev/null 2>&1 \
    || die "no Pulumi CLI >= $GNH_PULUMI_MIN_VERSION on PATH and no Go toolchain to build one: install the Pulumi CLI, or Go >= 1.26 so that set-up can build it."
}

build_pulumi_cli() {
  local bin="$GNH_PULUMI_BUILD_DIR/bin"
  if pulumi_cli_is_ready; then
    return
  fi
  require_pulumi_or_go
  say "building the Pulumi CLI v$GNH_PULUMI_VERSION from the Go module proxy (first run only; a few minutes)"
  mkdir -p "$bin"
  local work
  work="$(mktemp -d)"
  cp "$GNH_ROOT/tools/pulumi-cli/go.mod" "$GNH_ROOT/tools/pulumi-cli/go.sum" "$GNH_ROOT/tools/pulumi-cli/tools.go" "$work/"
  (cd "$work" && go build -mod=readonly -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$GNH_PULUMI_VERSION" \
      -o "$bin/pulumi.partial" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2) \
    || { rm -rf "$work"; die "building the Pulumi CLI with Go failed (see the go output above)."; }
  rm -rf "$work"
  mv "$bin/pulumi.partial" "$bin/pulumi"
  printf 'v%s\n' "$GNH_PULUMI_VERSION" > "$GNH_PULUMI_BUILD_DIR/.complete"
}

# Write a file only when its content changed, so that repeated runs touch nothing.
write_if_changed() { # write_if_changed PATH MODE <content on stdin>
  local content
  content="$(cat)"
  if [ -f "$1" ] && [ "$(cat "$1")" = "$content" ]; then
    return
  fi
  printf '%s\n' "$content" > "$1.partial"
  chmod "$2" "$1.partial"
  mv "$1.partial" "$1"
}

install_plugin_shims() {
  local bin="$GNH_PULUMI_BUILD_DIR/bin"
  [ -x "$bin/pulumi" ] || return 0 # an ambient CLI brings its own language host
  write_if_changed "$bin/pulumi-language-nodejs" 755 <<SHIM
#!/bin/sh
# Our Node.js language host (tools/language-host); see the comment at the top of that file.
GNH_PROJECT_ROOT='$GNH_ROOT' exec node '$GNH_ROOT/tools/language-host/pulumi-language-nodejs.js' "\$@"
SHIM
  write_if_changed "$bin/pulumi-resource-pulumi-nodejs" 755 <<SHIM
#!/bin/sh
# Dynamic providers: the engine starts this in the program's directory.
if [ -d ./node_modules/@pulumi/pulumi ]; then exec node ./node_modules/@pulumi/pulumi/cmd/dynamic-provider "\$@"; fi
exec node '$GNH_ROOT/node_modules/@pulumi/pulumi/cmd/dynamic-provider' "\$@"
SHIM
}

# Docker's default seccomp profile, the base of ours (lib/seccompProfile.ts), from its Go module.
fetch_seccomp_base() {
  local version="v0.1.0" target="$GNH_TOOLS_DIR/seccomp/moby-default-v0.1.0.json"
  # Pinned: this profile goes to every node, so its content is checked, not only the module sum.
  local want_sha256="01536f1d1df938ae611eba20d6349e0de7a99b6ecdee1549427a0b01b8301e28"
  [ -s "$target" ] && return
  command -v go >/dev/null 2>&1 || die "Go is needed once to fetch Docker's default seccomp profile (module github.com/moby/profiles/seccomp): install Go >= 1.26."
  say "fetching Docker's default seccomp profile (github.com/moby/profiles/seccomp $version)"
  local dir
  local scratch
  scratch="$(mktemp -d)"
  dir="$(cd "$scratch" && GOFLAGS=-mod=mod go mod download -json "github.com/moby/profiles/seccomp@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  rm -rf "$scratch"
  [ -f "$dir/default.json" ] || die "could not fetch github.com/moby/profiles/seccomp@$version from the Go module proxy."
  [ "$(sha256sum "$dir/default.json" | cut -d' ' -f1)" = "$want_sha256" ] \
    || die "github.com/moby/profiles/seccomp@$version default.json does not have the pinned sha256 $want_sha256; not using it."
  mkdir -p "$(dirname "$target")"
  cp "$dir/default.json" "$target.partial" && mv "$target.partial" "$target"
}

# `npm test` runs shellcheck over every shell script: Debian's package (the npm wrapper downloads
# a binary, which cannot work here). Not fatal for set-up: `npm test` names what is missing.
install_shellcheck() {
  command -v shellcheck >/dev/null 2>&1 && return
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing shellcheck (apt-get)"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends shellcheck >&2; }; then
      say "could not install shellcheck; npm test will ask for it"
    fi
  else
    say "shellcheck is not installed (npm test needs it): apt-get install shellcheck"
  fi
}

create_state_dir() {
  mkdir -p "$GNH_STATE_DIR"
  chmod 700 "$GNH_STATE_DIR"
  if [ ! -s "$PULUMI_CONFIG_PASSPHRASE_FILE" ]; then
    say "generating the stack passphrase into $PULUMI_CONFIG_PASSPHRASE_FILE (mode 0600)"
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' \
      > "$PULUMI_CONFIG_PASSPHRASE_FILE.partial" && mv "$PULUMI_CONFIG_PASSPHRASE_FILE.partial" "$PULUMI_CONFIG_PASSPHRASE_FILE")
  fi
  chmod 600 "$PULUMI_CONFIG_PASSPHRASE_FILE"
}

require_node
require_pulumi_or_go
install_npm_dependencies
precompile_entry_points
build_pulumi_cli
install_plugin_shims
fetch_seccomp_base
install_shellcheck
create_state_dir
# Re-read the environment so that a CLI built just now is on PATH for the check below.
# shellcheck source=scripts/env.sh
source "$here/env.sh"
command -v pulumi >/dev/null 2>&1 || die "the Pulumi CLI is still not on PATH after set-up."
say "ready: $(pulumi version) (state in $GNH_STATE_DIR)"
