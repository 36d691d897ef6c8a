#!/usr/bin/env bash
# gnh local lab: disposable Debian 13 "GPU node" hosts in containers, reached over SSH
# on 127.0.0.1, plus a mirror and an image registry on the lab's own Docker network.
#
#   bash lab/lab.sh up [--nodes N] [--no-brownfield] [--no-access]
#   bash lab/lab.sh down [--purge-images]
#   bash lab/lab.sh status
#   bash lab/lab.sh reset NODE [--new-host-key]
#   bash lab/lab.sh stop NODE
#   bash lab/lab.sh ssh NODE [CMD...]
#   bash lab/lab.sh push-sample NODE
#
# All state lives in .lab/ at the repository root (git-ignored). See docs/lab.md.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd)
LAB_DIR="$REPO_ROOT/.lab"

NETWORK=gnh-lab
MIRROR_NAME=gnh-mirror
NODE_PREFIX=gnh-node-
BROWNFIELD_NAME=gnh-brownfield-1
BASE_PORT=22200
BROWNFIELD_PORT=22299
MAX_NODES=16
DEFAULT_NODES=2
LABEL=gnh.lab

# Image recipe. Everything that shapes the image goes into image_tag's hash.
SUITE=trixie
# A real Debian 13 host: the release, its updates and the security archive (all on
# deb.debian.org), so that packages such as runc carry Debian's security fixes.
DEBIAN_SOURCES=(
  "deb http://deb.debian.org/debian $SUITE main"
  "deb http://deb.debian.org/debian $SUITE-updates main"
  "deb http://deb.debian.org/debian-security $SUITE-security main"
)
INCLUDE=systemd,systemd-sysv,dbus,openssh-server,docker.io,docker-cli,iptables,ca-certificates,gnupg,procps,curl,busybox,iproute2,kmod,sudo
CUSTOMIZE="$SCRIPT_DIR/node/customize.sh"
CDI_PLACEHOLDER_SPEC="$SCRIPT_DIR/node/cdi-placeholder.yaml"
IMAGE_REPO=gnh-lab-node
IMPORT_CHANGES=('CMD ["/lib/systemd/systemd"]' 'ENV container=docker')

KEY="$LAB_DIR/id_ed25519"
KNOWN_HOSTS="$LAB_DIR/known_hosts"
CONFIG="$LAB_DIR/config"
MIRROR_DIR="$LAB_DIR/mirror"
MIRROR_SCRIPT="$SCRIPT_DIR/mirror/build-repo.sh"

REGISTRY_NAME=gnh-registry
REGISTRY_HOST="$REGISTRY_NAME:5000"
REGISTRY_VOLUME=gnh-lab-registry-data
REGISTRY_IMAGE_REPO=gnh-lab-registry
# Built by lab/mirror/test-image.sh for test/e2e/mirror.test.ts; removed with the others on a purge.
MIRROR_TEST_IMAGE_REPO=gnh-mirror-testbase
REGISTRY_DIR="$LAB_DIR/registry"
REGISTRY_CA="$REGISTRY_DIR/ca/ca.crt"
# Where a node's Docker looks for the CA of the registry at HOST:PORT (docs: "Verify repository
# client with certificates"); read at every pull, so no restart is needed.
REGISTRY_CA_ON_NODE="/etc/docker/certs.d/$REGISTRY_HOST/ca.crt"
REGISTRY_WAIT_S=30

SSH_WAIT_S=90
APT_UPDATED=0

log() { printf '[lab] %s\n' "$*" >&2; }
die() {
  printf '[lab] error: %s\n' "$*" >&2
  exit 1
}
now_ms() { date +%s%3N; }

usage() {
  cat <<'EOF'
usage: lab.sh COMMAND [ARGS]
  up [--nodes N] [--no-brownfield] [--no-access]
                                    create or repair the lab (N: 1..16, default 2 or the last N);
                                    the access nodes (gnh-sudo, gnh-cert, gnh-jumped behind
                                    gnh-bastion) unless --no-access
  down [--purge-images]             remove containers, volumes, network, keys and .lab/ (and every
                                    image the lab and its tests cached, with --purge-images)
  status                            each node: port, state, ssh reachability
  reset NODE [--new-host-key]       return NODE to the pristine image (same host key, or a new one)
  stop NODE                         stop NODE (the next `up` starts it again)
  ssh NODE [CMD...]                 ssh into NODE with the lab key and verified host key
  push-sample NODE                  push the sample image from NODE to the lab registry; prints
                                    gnh-registry:5000/gnh/sleep@sha256:<digest>
EOF
}

# ---------------------------------------------------------------- the parts, by concern

# shellcheck source=lab/lib/controller.sh
. "$SCRIPT_DIR/lib/controller.sh"
# shellcheck source=lab/lib/image.sh
. "$SCRIPT_DIR/lib/image.sh"
# shellcheck source=lab/lib/config.sh
. "$SCRIPT_DIR/lib/config.sh"
# shellcheck source=lab/lib/ssh.sh
. "$SCRIPT_DIR/lib/ssh.sh"
# shellcheck source=lab/lib/docker-objects.sh
. "$SCRIPT_DIR/lib/docker-objects.sh"
# shellcheck source=lab/lib/mirror.sh
. "$SCRIPT_DIR/lib/mirror.sh"
# shellcheck source=lab/lib/registry.sh
. "$SCRIPT_DIR/lib/registry.sh"
# shellcheck source=lab/lib/access.sh
. "$SCRIPT_DIR/lib/access.sh"
# shellcheck source=lab/lib/nodes.sh
. "$SCRIPT_DIR/lib/nodes.sh"
# shellcheck source=lab/lib/fleet.sh
. "$SCRIPT_DIR/lib/fleet.sh"
# shellcheck source=lab/lib/cmd-up.sh
. "$SCRIPT_DIR/lib/cmd-up.sh"
# shellcheck source=lab/lib/cmd-down.sh
. "$SCRIPT_DIR/lib/cmd-down.sh"

# ---------------------------------------------------------------- commands
cmd_status() {
  read_config
  if [ -z "$CFG_NODES" ]; then
    printf 'lab is down\n'
    return 0
  fi
  if ! docker_ok; then
    printf 'lab is configured but no Docker engine answers\n'
    return 1
  fi
  local name port variant state reach
  printf '%-18s %-6s %-11s %-8s %s\n' NAME PORT VARIANT STATE SSH
  while read -r name port variant; do
    state=$(container_state "$name")
    reach=no
    if [ "$state" = running ] && ssh_ready "$name"; then reach=ok; fi
    printf '%-18s %-6s %-11s %-8s %s\n' "$name" "$port" "$variant" "$state" "$reach"
  done < <(desired_nodes)
  state=$(container_state "$MIRROR_NAME")
  printf '%-18s %-6s %-11s %-8s %s\n' "$MIRROR_NAME" - mirror "$state" "http://$MIRROR_NAME/"
  state=$(container_state "$REGISTRY_NAME")
  printf '%-18s %-6s %-11s %-8s %s\n' "$REGISTRY_NAME" - registry "$state" "https://$REGISTRY_HOST/"
}

# reset NODE [--new-host-key]: back to the pristine image; with --new-host-key the node comes
# back as a re-imaged host does, with a host key of its own that known_hosts, ssh_config and
# fleet.yaml then pin (a stack that applied the old fleet file still remembers the old key).
cmd_reset() {
  local name="" rekey=0 t0
  while [ $# -gt 0 ]; do
    case "$1" in
      --new-host-key) rekey=1 ;;
      -*) die "reset: unknown argument: $1" ;;
      *) [ -z "$name" ] || die "usage: reset NODE [--new-host-key]"; name="$1" ;;
    esac
    shift
  done
  [ -n "$name" ] || die "usage: reset NODE [--new-host-key]"
  require_lab
  lookup_node "$name" || die "no node named '$name' in the lab"
  t0=$(now_ms)
  lock_lab
  docker_ok || die "no Docker engine answers"
  IMAGE=$(image_tag)
  docker image inspect "$IMAGE" >/dev/null 2>&1 || die "node image $IMAGE is missing; run up"
  remove_node "$name"
  if [ "$rekey" -eq 1 ]; then
    rm -f "$(host_key_file "$name")" "$(host_key_file "$name").pub"
    ensure_host_key "$name"
    write_known_hosts
    write_ssh_config
    write_fleet
  fi
  create_node "$name" "$NODE_PORT" "$NODE_VARIANT"
  wait_ssh "$name"
  wait_node_docker "$name"
  trust_registry_ca "$name"
  printf '%s reset in %d ms\n' "$name" "$(($(now_ms) - t0))"
}

cmd_stop() {
  [ $# -eq 1 ] || die "usage: stop NODE"
  require_lab
  lookup_node "$1" || die "no node named '$1' in the lab"
  docker stop "$1" >/dev/null
  printf '%s stopped\n' "$1"
}

cmd_ssh() {
  [ $# -ge 1 ] || die "usage: ssh NODE [CMD...]"
  local name="$1"
  shift
  require_lab
  lookup_node "$name" || die "no node named '$name' in the lab"
  if [ $# -eq 0 ]; then
    exec ssh -F "$LAB_DIR/ssh_config" -o BatchMode=no "$name"
  fi
  # Like ssh(1): the remaining arguments form the remote command line.
  exec ssh -F "$LAB_DIR/ssh_config" "$name" -- "$@"
}

# The lab's sample workload image, made on NODE from its own files and pushed to the registry;
# prints the reference pinned by the registry's digest (the script: lab/registry/push-sample.sh).
cmd_push_sample() {
  [ $# -eq 1 ] || die "usage: push-sample NODE"
  require_lab
  lookup_node "$1" || die "no node named '$1' in the lab"
  [ "$(container_state "$REGISTRY_NAME")" = running ] || die "$REGISTRY_NAME is not running (run: npm run lab -- up)"
  lab_ssh "$1" "bash -s -- $REGISTRY_HOST" <"$SCRIPT_DIR/registry/push-sample.sh"
}

main() {
  [ $# -ge 1 ] || {
    usage >&2
    exit 2
  }
  local cmd="$1"
  shift
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    reset) cmd_reset "$@" ;;
    stop) cmd_stop "$@" ;;
    ssh) cmd_ssh "$@" ;;
    push-sample) cmd_push_sample "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
