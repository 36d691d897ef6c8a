#!/usr/bin/env bash
# Builds (once) the lab registry's image: Debian's own `docker-registry` package (the CNCF
# distribution registry, 2.8 in trixie) on Debian 13, made like the node image, with mmdebstrap
# from deb.debian.org and `docker import` (no container registry is reachable here).
#
#   bash lab/registry/build-image.sh          prints gnh-lab-registry:<hash>, building it if missing
#   bash lab/registry/build-image.sh --tag    prints the tag only
#
# The tag is a hash of the recipe (suite, sources, packages, import changes, this file), so the
# image is rebuilt only when the recipe changes. Build output goes to stderr.
set -euo pipefail

SUITE=trixie
# The same archive as the nodes: release, updates and security, so the registry carries
# Debian's security fixes.
DEBIAN_SOURCES=(
  "deb http://deb.debian.org/debian $SUITE main"
  "deb http://deb.debian.org/debian $SUITE-updates main"
  "deb http://deb.debian.org/debian-security $SUITE-security main"
)
INCLUDE=docker-registry
IMAGE_REPO=gnh-lab-registry
# No CMD: lab.sh names the binary and the config file it mounts.
IMPORT_CHANGES=('LABEL gnh.lab=1')

log() { printf '[registry-image] %s\n' "$*" >&2; }

tag() {
  local h
  h=$({
    printf 'suite=%s\ninclude=%s\nvariant=apt\n' "$SUITE" "$INCLUDE"
    printf 'source=%s\n' "${DEBIAN_SOURCES[@]}"
    printf 'change=%s\n' "${IMPORT_CHANGES[@]}"
    cat -- "${BASH_SOURCE[0]}"
  } | sha256sum)
  printf '%s:%s\n' "$IMAGE_REPO" "${h:0:12}"
}

image=$(tag)
if [ "${1:-}" = --tag ] || docker image inspect "$image" >/dev/null 2>&1; then
  printf '%s\n' "$image"
  exit 0
fi

if ! command -v mmdebstrap >/dev/null 2>&1; then
  log "installing mmdebstrap"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends mmdebstrap >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
log "mmdebstrap $SUITE (+$INCLUDE) -> $image"
start=$(date +%s)
# apt's lists and caches are not needed at run time.
# shellcheck disable=SC2016 # $1 is for the hook's shell (the root directory), not this one
mmdebstrap --variant=apt --include="$INCLUDE" \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
  "$SUITE" "$tmp/rootfs.tar" "${DEBIAN_SOURCES[@]}" >&2
change_args=()
for c in "${IMPORT_CHANGES[@]}"; do change_args+=(--change "$c"); done
docker import "${change_args[@]}" "$tmp/rootfs.tar" "$image" >/dev/null
log "built $image in $(($(date +%s) - start)) s"
printf '%s\n' "$image"
