#!/usr/bin/env bash
# Build (once) the throwaway Debian trixie image used by test/e2e/mirror.test.ts, both as the
# mirror's HTTP server (busybox httpd) and as the apt client. No registry is reachable here, so
# the image is made with mmdebstrap + `docker import`. Prints the image reference on stdout:
#   gnh-mirror-testbase:<hash of suite, packages and this script>
# Idempotent: an existing image with that tag is reused.
set -euo pipefail

SUITE=trixie
MIRROR_URL="${GNH_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
INCLUDE="busybox,gnupg,ca-certificates"

log() { printf '[test-image %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

hash="$(printf '%s\n' "${SUITE}" "${INCLUDE}" "${MIRROR_URL}" | cat - "${BASH_SOURCE[0]}" \
  | sha256sum | cut -c1-12)"
image="gnh-mirror-testbase:${hash}"

if docker image inspect "${image}" >/dev/null 2>&1; then
  printf '%s\n' "${image}"
  exit 0
fi

if ! command -v mmdebstrap >/dev/null 2>&1; then
  log "installing mmdebstrap"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends mmdebstrap >/dev/null
fi

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
log "mmdebstrap ${SUITE} (+${INCLUDE}) -> ${image}"
start=$(date +%s)
mmdebstrap --quiet --variant=apt --include="${INCLUDE}" "${SUITE}" "${tmp}/rootfs.tar" "${MIRROR_URL}" >&2
docker import --change 'CMD ["/bin/bash"]' "${tmp}/rootfs.tar" "${image}" >/dev/null
log "built ${image} in $(( $(date +%s) - start ))s"
printf '%s\n' "${image}"
