#!/usr/bin/env bash
# gnh local lab: disposable Debian 13 "GPU node" hosts in containers, reached over SSH
# on 127.0.0.1, plus a mirror and an image registry on the lab's own Docker network.
#
#   bash lab/lab.sh up [--nodes N] [--no-brownfield]
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
MAX_NODES=8
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
INCLUDE=systemd,systemd-sysv,dbus,openssh-server,docker.io,docker-cli,iptables,ca-certificates,gnupg,procps,curl,busybox,iproute2,kmod
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
  up [--nodes N] [--no-brownfield]  create or repair the lab (N: 1..8, default 2 or the last N)
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

# ---------------------------------------------------------------- controller tools

apt_install() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

docker_ok() { docker info >/dev/null 2>&1; }

ensure_docker() {
  docker_ok && return 0
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || die "no Docker engine runs and installing one needs root"
    apt_install docker.io
  fi
  if ! docker_ok; then
    mkdir -p "$LAB_DIR"
    log "starting dockerd (log: .lab/dockerd.log)"
    # Own session, and without fd 9: dockerd and everything it starts would
    # otherwise inherit .lab/lock and hold it forever.
    setsid nohup dockerd >>"$LAB_DIR/dockerd.log" 2>&1 </dev/null 9>&- &
    local i
    for ((i = 0; i < 120; i++)); do
      docker_ok && break
      sleep 0.5
    done
    docker_ok || die "dockerd did not come up; see .lab/dockerd.log"
  fi
}

ensure_ssh_tools() {
  command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1 && return 0
  apt_install openssh-client
}

ensure_mmdebstrap() {
  command -v mmdebstrap >/dev/null 2>&1 && return 0
  apt_install mmdebstrap
}

# ---------------------------------------------------------------- node image

image_tag() {
  local h
  h=$({
    printf 'suite=%s\ninclude=%s\nvariant=apt\n' "$SUITE" "$INCLUDE"
    printf 'source=%s\n' "${DEBIAN_SOURCES[@]}"
    printf 'change=%s\n' "${IMPORT_CHANGES[@]}"
    cat -- "$CUSTOMIZE"
  } | sha256sum)
  printf '%s:%s\n' "$IMAGE_REPO" "${h:0:12}"
}

ensure_image() {
  IMAGE=$(image_tag)
  if docker image inspect "$IMAGE" >/dev/null 2>&1; then
    return 0
  fi
  ensure_mmdebstrap
  log "building node image $IMAGE (mmdebstrap $SUITE; log: .lab/image-build.log)"
  local t0 tar hook
  t0=$(now_ms)
  mkdir -p "$LAB_DIR/build"
  tar="$LAB_DIR/build/node.tar"
  # The hook runs under sh -c with the root directory as $1.
  # shellcheck disable=SC2016 # $1 is for the hook's shell, not this one
  hook=$(printf 'bash %q "$1"' "$CUSTOMIZE")
  if ! mmdebstrap --variant=apt --include="$INCLUDE" --customize-hook="$hook" \
    "$SUITE" "$tar" "${DEBIAN_SOURCES[@]}" >"$LAB_DIR/image-build.log" 2>&1; then
    tail -n 30 "$LAB_DIR/image-build.log" >&2
    die "mmdebstrap failed"
  fi
  local change_args=() c
  for c in "${IMPORT_CHANGES[@]}"; do change_args+=(--change "$c"); done
  docker import "${change_args[@]}" "$tar" "$IMAGE" >/dev/null
  rm -rf "$LAB_DIR/build"
  log "image $IMAGE built in $(($(now_ms) - t0)) ms"
}

# ---------------------------------------------------------------- lab config

# config holds two lines: nodes=N and brownfield=0|1. Parsed, never sourced.
read_config() {
  CFG_NODES=""
  CFG_BROWNFIELD=""
  [ -f "$CONFIG" ] || return 0
  local k v
  while IFS='=' read -r k v; do
    case "$k" in
      nodes) [[ "$v" =~ ^[1-8]$ ]] && CFG_NODES="$v" ;;
      brownfield) [[ "$v" =~ ^[01]$ ]] && CFG_BROWNFIELD="$v" ;;
    esac
  done <"$CONFIG"
}

# Prints "name port variant" for every node of the configured lab.
desired_nodes() {
  local i
  for ((i = 1; i <= CFG_NODES; i++)); do
    printf '%s%d %d green\n' "$NODE_PREFIX" "$i" "$((BASE_PORT + i))"
  done
  if [ "$CFG_BROWNFIELD" = 1 ]; then
    printf '%s %d brownfield\n' "$BROWNFIELD_NAME" "$BROWNFIELD_PORT"
  fi
}

# Sets NODE_PORT and NODE_VARIANT for a node of the configured lab, or fails.
lookup_node() {
  local want="$1" name port variant
  while read -r name port variant; do
    if [ "$name" = "$want" ]; then
      NODE_PORT="$port"
      NODE_VARIANT="$variant"
      return 0
    fi
  done < <(desired_nodes)
  return 1
}

require_lab() {
  read_config
  [ -n "$CFG_NODES" ] || die "the lab is not up (run: npm run lab -- up)"
}

lock_lab() {
  mkdir -p "$LAB_DIR"
  exec 9>>"$LAB_DIR/lock"
  flock -w 600 9 || die "another lab command holds .lab/lock"
}

# ---------------------------------------------------------------- keys and ssh

ensure_client_key() {
  if [ ! -f "$KEY" ]; then
    ssh-keygen -q -t ed25519 -N '' -C gnh-lab-client -f "$KEY"
  fi
  chmod 0600 "$KEY"
}

host_key_file() { printf '%s/nodes/%s/ssh_host_ed25519_key\n' "$LAB_DIR" "$1"; }

ensure_host_key() {
  local f
  f=$(host_key_file "$1")
  if [ ! -f "$f" ]; then
    mkdir -p "$(dirname -- "$f")"
    ssh-keygen -q -t ed25519 -N '' -C "root@$1" -f "$f"
  fi
}

# "ssh-ed25519 AAAA..." without the comment.
host_pubkey() {
  local t k _c
  read -r t k _c <"$(host_key_file "$1").pub"
  printf '%s %s\n' "$t" "$k"
}

write_known_hosts() {
  local name port variant tmp
  tmp="$KNOWN_HOSTS.tmp"
  : >"$tmp"
  while read -r name port variant; do
    printf '[127.0.0.1]:%s %s\n' "$port" "$(host_pubkey "$name")" >>"$tmp"
  done < <(desired_nodes)
  mv -f "$tmp" "$KNOWN_HOSTS"
}

write_ssh_config() {
  local name port variant tmp
  tmp="$LAB_DIR/ssh_config.tmp"
  {
    printf '# generated by lab/lab.sh; use: ssh -F %s/ssh_config NODE\n' "$LAB_DIR"
    while read -r name port variant; do
      printf 'Host %s\n  HostName 127.0.0.1\n  Port %s\n  User root\n' "$name" "$port"
      printf '  IdentityFile %s\n  IdentitiesOnly yes\n' "$KEY"
      printf '  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n' "$KNOWN_HOSTS"
      printf '  StrictHostKeyChecking yes\n'
    done < <(desired_nodes)
  } >"$tmp"
  mv -f "$tmp" "$LAB_DIR/ssh_config"
}

ssh_opts() {
  SSH_OPTS=(-i "$KEY" -p "$1"
    -o IdentitiesOnly=yes -o BatchMode=yes
    -o UserKnownHostsFile="$KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null
    -o StrictHostKeyChecking=yes -o ConnectTimeout=5 -o LogLevel=ERROR)
}

# node_ssh PORT CMD [< stdin]: CMD must be a fixed string, never built from input.
node_ssh() {
  local port="$1"
  shift
  ssh_opts "$port"
  # shellcheck disable=SC2029 # callers pass fixed command strings
  ssh "${SSH_OPTS[@]}" root@127.0.0.1 "$@"
}

ssh_ready() { node_ssh "$1" true </dev/null >/dev/null 2>&1; }

wait_ssh() {
  local name="$1" port="$2" deadline
  deadline=$((SECONDS + SSH_WAIT_S))
  until ssh_ready "$port"; do
    [ "$SECONDS" -lt "$deadline" ] || die "$name: sshd on 127.0.0.1:$port did not answer within ${SSH_WAIT_S}s"
    sleep 0.2
  done
}

wait_node_docker() {
  local name="$1" port="$2"
  node_ssh "$port" 'timeout 60 sh -c "until docker info >/dev/null 2>&1; do sleep 0.2; done"' </dev/null ||
    die "$name: dockerd inside the node did not come up"
}

# ---------------------------------------------------------------- docker objects

container_state() {
  local s
  if s=$(docker container inspect -f '{{.State.Status}}' "$1" 2>/dev/null) && [ -n "$s" ]; then
    printf '%s\n' "$s"
  else
    printf 'absent\n'
  fi
}

container_label() {
  docker container inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true
}

ensure_network() {
  docker network inspect "$NETWORK" >/dev/null 2>&1 && return 0
  docker network create --driver bridge --label "$LABEL=1" "$NETWORK" >/dev/null
  UP_CREATED+=("network:$NETWORK")
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ---------------------------------------------------------------- mirror

# Prints the mirror's primary key fingerprint (40 hex digits) or nothing.
mirror_fingerprint() {
  local f="$MIRROR_DIR/fingerprint" fp
  [ -f "$f" ] || return 0
  fp=$(tr -d ' \t\r\n' <"$f" | tr '[:lower:]' '[:upper:]')
  [[ "$fp" =~ ^[0-9A-F]{40}$ ]] && printf '%s\n' "$fp"
  return 0
}

# The armored public key of the good repository, or nothing.
mirror_key_file() {
  local c
  for c in "$MIRROR_DIR/good/gpgkey" "$MIRROR_DIR/gpgkey" "$MIRROR_DIR/good/stable/gpgkey"; do
    if [ -f "$c" ]; then
      printf '%s\n' "$c"
      return 0
    fi
  done
}

# URL path (below the mirror root) of the good flat repository with $(ARCH) in it,
# e.g. good/stable/deb/$(ARCH); or nothing.
mirror_repo_path() {
  local rel arch
  [ -d "$MIRROR_DIR/good" ] || return 0
  rel=$(cd -- "$MIRROR_DIR" && find good -name InRelease -print | sort | head -n 1)
  [ -n "$rel" ] || return 0
  rel=$(dirname -- "$rel")
  arch=$(dpkg --print-architecture 2>/dev/null || printf 'amd64')
  if [ "$(basename -- "$rel")" = "$arch" ]; then
    rel="$(dirname -- "$rel")/\$(ARCH)"
  fi
  printf '%s\n' "$rel"
}

build_mirror() {
  mkdir -p "$MIRROR_DIR"
  if [ -f "$MIRROR_SCRIPT" ]; then
    log "building the mirror (lab/mirror/build-repo.sh; log: .lab/mirror-build.log)"
    if ! bash "$MIRROR_SCRIPT" "$MIRROR_DIR" >"$LAB_DIR/mirror-build.log" 2>&1; then
      tail -n 30 "$LAB_DIR/mirror-build.log" >&2
      die "lab/mirror/build-repo.sh failed"
    fi
  else
    log "skip: lab/mirror/build-repo.sh is not there yet; serving an empty mirror"
  fi
}

ensure_mirror_container() {
  local inode state
  inode=$(stat -c '%d:%i' "$MIRROR_DIR")
  state=$(container_state "$MIRROR_NAME")
  if [ "$state" != absent ]; then
    if [ "$(container_label "$MIRROR_NAME" "$LABEL.image")" = "$IMAGE" ] &&
      [ "$(container_label "$MIRROR_NAME" "$LABEL.mirror-dir")" = "$inode" ]; then
      [ "$state" = running ] || docker start "$MIRROR_NAME" >/dev/null
      return 0
    fi
    docker rm -f "$MIRROR_NAME" >/dev/null
  fi
  docker run -d --name "$MIRROR_NAME" --hostname "$MIRROR_NAME" \
    --network "$NETWORK" --network-alias "$MIRROR_NAME" \
    --label "$LABEL=1" --label "$LABEL.role=mirror" --label "$LABEL.image=$IMAGE" \
    --label "$LABEL.mirror-dir=$inode" \
    --read-only --tmpfs /tmp --restart unless-stopped \
    -v "$MIRROR_DIR:/srv/mirror:ro" \
    "$IMAGE" busybox httpd -f -p 80 -h /srv/mirror >/dev/null
  UP_CREATED+=("container:$MIRROR_NAME")
}

# ---------------------------------------------------------------- registry

# Debian's docker-registry with TLS from the lab's own CA (lab/registry/). Nodes reach it as
# https://gnh-registry:5000 on the lab network; it publishes no port on the controller.
ensure_registry() {
  local image state want
  if ! image=$(bash "$SCRIPT_DIR/registry/build-image.sh" 2>>"$LAB_DIR/registry-build.log"); then
    tail -n 30 "$LAB_DIR/registry-build.log" >&2
    die "lab/registry/build-image.sh failed"
  fi
  bash "$SCRIPT_DIR/registry/tls.sh" "$REGISTRY_DIR" "$REGISTRY_NAME" || die "lab/registry/tls.sh failed"
  # Image, configuration and certificates: a change to any of them re-creates the container
  # (the data volume stays).
  want=$({
    printf '%s\n' "$image"
    cat -- "$SCRIPT_DIR/registry/config.yml" "$REGISTRY_DIR/tls/tls.crt"
  } | sha256sum)
  want="${want:0:12}"
  state=$(container_state "$REGISTRY_NAME")
  if [ "$state" != absent ]; then
    if [ "$(container_label "$REGISTRY_NAME" "$LABEL.registry")" = "$want" ]; then
      if [ "$state" != running ]; then
        docker start "$REGISTRY_NAME" >/dev/null
        wait_registry
      fi
      return 0
    fi
    docker rm -f "$REGISTRY_NAME" >/dev/null
  fi
  if ! docker volume inspect "$REGISTRY_VOLUME" >/dev/null 2>&1; then
    docker volume create --label "$LABEL=1" "$REGISTRY_VOLUME" >/dev/null
    UP_CREATED+=("volume:$REGISTRY_VOLUME")
  fi
  # Root in the container with no capabilities: it reads the 0600 key it is given (owned by
  # the controller's root) and writes its own volume, nothing else.
  docker run -d --name "$REGISTRY_NAME" --hostname "$REGISTRY_NAME" \
    --network "$NETWORK" --network-alias "$REGISTRY_NAME" \
    --label "$LABEL=1" --label "$LABEL.role=registry" --label "$LABEL.registry=$want" \
    --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges=true \
    --restart unless-stopped \
    -v "$SCRIPT_DIR/registry/config.yml:/etc/gnh-registry/config.yml:ro" \
    -v "$REGISTRY_DIR/tls:/etc/gnh-registry/tls:ro" \
    -v "$REGISTRY_VOLUME:/srv/registry" \
    "$image" /usr/bin/docker-registry serve /etc/gnh-registry/config.yml >/dev/null
  UP_CREATED+=("container:$REGISTRY_NAME")
  wait_registry
}

wait_registry() {
  local deadline=$((SECONDS + REGISTRY_WAIT_S))
  until docker logs "$REGISTRY_NAME" 2>&1 | grep -q 'listening on .*tls'; do
    if [ "$(container_state "$REGISTRY_NAME")" != running ] || [ "$SECONDS" -ge "$deadline" ]; then
      docker logs --tail 20 "$REGISTRY_NAME" >&2 || true
      die "$REGISTRY_NAME did not start serving TLS"
    fi
    sleep 0.2
  done
}

# Puts the registry's CA where NAME's Docker trusts it, on the running node. Not part of the
# files staged before the first boot (whose hash decides re-creation), so the registry never
# re-creates a node; `up` and `reset` call this for every node.
trust_registry_ca() {
  local name="$1" stage
  [ -f "$REGISTRY_CA" ] || return 0
  if docker exec "$name" cat "$REGISTRY_CA_ON_NODE" 2>/dev/null | cmp -s - "$REGISTRY_CA"; then
    return 0
  fi
  stage=$(mktemp -d)
  install -d -m 0755 "$stage$(dirname -- "$REGISTRY_CA_ON_NODE")"
  install -m 0644 "$REGISTRY_CA" "$stage$REGISTRY_CA_ON_NODE"
  # The file only (no directory entries), as for the staged node files.
  (cd -- "$stage" && tar --no-recursion --owner=0 --group=0 --numeric-owner -cf - ".$REGISTRY_CA_ON_NODE") |
    docker cp - "$name:/"
  rm -rf -- "$stage"
}

# ---------------------------------------------------------------- nodes

# Armored key -> binary keyring, as `gpg --dearmor` in NVIDIA's guide does (with the
# node image's gpg; the controller needs none). Cached by the key's hash.
dearmored_key() {
  local src="$1" dst="$2" sum cache="$LAB_DIR/nodes/nvidia-keyring"
  sum=$(sha256sum <"$src")
  if [ ! -f "$cache.gpg" ] || [ "$(cat "$cache.src" 2>/dev/null)" != "$sum" ]; then
    mkdir -p "$(dirname -- "$cache")"
    if grep -q -- '-----BEGIN PGP PUBLIC KEY BLOCK-----' "$src"; then
      docker run --rm -i --network none "$IMAGE" gpg --dearmor <"$src" >"$cache.gpg"
    else
      cp -- "$src" "$cache.gpg"
    fi
    printf '%s\n' "$sum" >"$cache.src"
  fi
  cp -- "$cache.gpg" "$dst"
}

# Writes the files a node gets before its first boot into DIR (a tree rooted at /).
stage_node_files() {
  local name="$1" variant="$2" dir="$3" repo key
  rm -rf "$dir"
  install -d -m 0755 "$dir/etc/ssh"
  install -m 0600 "$(host_key_file "$name")" "$dir/etc/ssh/ssh_host_ed25519_key"
  install -m 0644 "$(host_key_file "$name").pub" "$dir/etc/ssh/ssh_host_ed25519_key.pub"
  install -d -m 0700 "$dir/root/.ssh"
  install -m 0600 "$KEY.pub" "$dir/root/.ssh/authorized_keys"
  # What a GPU host's toolkit generates: a CDI spec for its (here: placeholder) GPUs.
  install -d -m 0755 "$dir/etc/cdi"
  install -m 0644 "$CDI_PLACEHOLDER_SPEC" "$dir/etc/cdi/nvidia.yaml"
  [ "$variant" = brownfield ] || return 0

  # The state NVIDIA's install guide leaves: a hand-written daemon.json that names the
  # runtime by bare name and carries user keys, a keyring and a one-line list file.
  install -d -m 0755 "$dir/etc/docker"
  printf '%s\n' '{"runtimes":{"nvidia":{"args":[],"path":"nvidia-container-runtime"}},"data-root":"/var/lib/docker","log-opts":{"max-size":"50m"}}' \
    >"$dir/etc/docker/daemon.json"
  chmod 0644 "$dir/etc/docker/daemon.json"
  repo=$(mirror_repo_path)
  key=$(mirror_key_file)
  if [ -z "$repo" ] || [ -z "$key" ]; then
    log "skip: $name gets no NVIDIA keyring/list file (no signed repository under .lab/mirror/good yet)"
    return 0
  fi
  install -d -m 0755 "$dir/usr/share/keyrings" "$dir/etc/apt/sources.list.d"
  dearmored_key "$key" "$dir/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg"
  chmod 0644 "$dir/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg"
  printf 'deb [signed-by=/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg] http://%s/%s /\n' \
    "$MIRROR_NAME" "$repo" >"$dir/etc/apt/sources.list.d/nvidia-container-toolkit.list"
  chmod 0644 "$dir/etc/apt/sources.list.d/nvidia-container-toolkit.list"
}

# A hash of the staged tree, kept as a label: a change re-creates the node on `up`.
stage_hash() {
  local dir="$1" h
  h=$(cd -- "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
  printf '%s\n' "${h:0:12}"
}

# Creates and starts NAME from the cached image with a fresh docker volume.
create_node() {
  local name="$1" port="$2" variant="$3" stage vol hash
  vol="gnh-lab-$name-docker"
  stage="$LAB_DIR/nodes/$name/stage"
  stage_node_files "$name" "$variant" "$stage"
  hash=$(stage_hash "$stage")
  if port_in_use "$port"; then
    die "127.0.0.1:$port is in use by something that is not the lab; free it and retry"
  fi
  docker volume create --label "$LABEL=1" "$vol" >/dev/null
  UP_CREATED+=("volume:$vol")
  docker create --name "$name" --hostname "$name" --network "$NETWORK" \
    --label "$LABEL=1" --label "$LABEL.role=node" --label "$LABEL.node=$name" \
    --label "$LABEL.port=$port" --label "$LABEL.variant=$variant" \
    --label "$LABEL.image=$IMAGE" --label "$LABEL.stage=$hash" \
    -p "127.0.0.1:$port:22" --stop-signal SIGRTMIN+3 --restart unless-stopped \
    --cap-add=ALL --cap-drop=SYS_RESOURCE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --security-opt systempaths=unconfined \
    --device-cgroup-rule='a *:* rwm' --cgroupns=host \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
    --tmpfs /run --tmpfs /run/lock \
    -v "$vol:/var/lib/docker" \
    "$IMAGE" /lib/systemd/systemd >/dev/null
  UP_CREATED+=("container:$name")
  # Files only (no directory entries), so the image's directory modes stay as they are.
  (cd -- "$stage" && find . -type f -print | sort |
    tar --no-recursion --owner=0 --group=0 --numeric-owner -T - -cf -) |
    docker cp - "$name:/"
  docker start "$name" >/dev/null
}

remove_node() {
  local name="$1"
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker volume rm -f "gnh-lab-$name-docker" >/dev/null 2>&1 || true
}

# Brings NAME to "running, current image, current files"; sets NODE_ACTION.
ensure_node() {
  local name="$1" port="$2" variant="$3" state stage hash
  state=$(container_state "$name")
  if [ "$state" != absent ]; then
    stage="$LAB_DIR/nodes/$name/stage"
    stage_node_files "$name" "$variant" "$stage"
    hash=$(stage_hash "$stage")
    if [ "$(container_label "$name" "$LABEL.image")" = "$IMAGE" ] &&
      [ "$(container_label "$name" "$LABEL.stage")" = "$hash" ] &&
      [ "$(container_label "$name" "$LABEL.port")" = "$port" ]; then
      if [ "$state" = running ]; then
        NODE_ACTION=unchanged
      else
        docker start "$name" >/dev/null
        NODE_ACTION=started
      fi
      return 0
    fi
    log "$name: image or files changed; re-creating"
    remove_node "$name"
  fi
  create_node "$name" "$port" "$variant"
  NODE_ACTION=created
}

# ---------------------------------------------------------------- fleet file

write_fleet() {
  local name port variant fp tmp
  fp=$(mirror_fingerprint)
  tmp="$LAB_DIR/fleet.yaml.tmp"
  {
    printf '# generated by lab/lab.sh\n'
    printf 'defaults:\n  user: root\n  privateKeyPath: %s\n' "$KEY"
    # Like NVIDIA's https://nvidia.github.io/libnvidia-container: the key is <url>/gpgkey,
    # the flat repository <url>/stable/deb/$(ARCH).
    printf 'mirror:\n  url: http://%s/good\n' "$MIRROR_NAME"
    if [ -n "$fp" ]; then
      printf '  fingerprint: %s\n' "$fp"
    fi
    if [ -f "$REGISTRY_CA" ]; then
      printf 'registry:\n'
      printf '  # TLS from the lab'"'"'s own CA; every node trusts it as /etc/docker/certs.d/%s/ca.crt.\n' "$REGISTRY_HOST"
      printf '  host: %s\n  caFile: %s\n' "$REGISTRY_HOST" "$REGISTRY_CA"
    fi
    printf 'nodes:\n'
    while read -r name port variant; do
      printf '  - name: %s\n    host: 127.0.0.1\n    port: %s\n' "$name" "$port"
      printf '    hostKey: "%s"\n    labels: { variant: %s }\n' "$(host_pubkey "$name")" "$variant"
    done < <(desired_nodes)
  } >"$tmp"
  mv -f "$tmp" "$LAB_DIR/fleet.yaml"
}

# ---------------------------------------------------------------- commands

UP_CREATED=()
UP_FRESH=0

# Failed `up`: remove what this run created; a lab that did not exist before goes
# entirely (logs stay for the post-mortem).
up_cleanup() {
  local rc=$? item
  trap - EXIT
  [ "$rc" -ne 0 ] || exit 0
  log "up failed (exit $rc); cleaning up"
  for item in "${UP_CREATED[@]}"; do
    case "$item" in
      container:*) docker rm -f "${item#container:}" >/dev/null 2>&1 || true ;;
      volume:*) docker volume rm -f "${item#volume:}" >/dev/null 2>&1 || true ;;
    esac
  done
  if [ "$UP_FRESH" -eq 1 ]; then
    teardown_docker_objects
    find "$LAB_DIR" -mindepth 1 -maxdepth 1 ! -name '*.log' ! -name lock -exec rm -rf {} +
  fi
  exit "$rc"
}

cmd_up() {
  local want_nodes="" want_brownfield=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes)
        [ $# -ge 2 ] || die "--nodes needs a number"
        want_nodes="$2"
        shift 2
        ;;
      --nodes=*)
        want_nodes="${1#--nodes=}"
        shift
        ;;
      --brownfield)
        want_brownfield=1
        shift
        ;;
      --no-brownfield)
        want_brownfield=0
        shift
        ;;
      *) die "up: unknown argument: $1" ;;
    esac
  done
  if [ -n "$want_nodes" ]; then
    if ! [[ "$want_nodes" =~ ^[0-9]+$ ]] || [ "$want_nodes" -lt 1 ] || [ "$want_nodes" -gt "$MAX_NODES" ]; then
      die "--nodes must be 1..$MAX_NODES"
    fi
  fi

  # Before the lock and the cleanup trap: a machine that cannot run Docker at all gets one line.
  if ! docker_ok && ! { command -v dockerd && command -v docker; } >/dev/null 2>&1 && ! command -v apt-get >/dev/null 2>&1; then
    die "no Docker engine runs and there is no apt-get to install one: install Docker Engine (Debian/Ubuntu: apt-get install docker.io) and start it"
  fi

  local t0
  t0=$(now_ms)
  lock_lab
  [ -f "$CONFIG" ] || UP_FRESH=1
  trap up_cleanup EXIT

  read_config
  CFG_NODES="${want_nodes:-${CFG_NODES:-$DEFAULT_NODES}}"
  CFG_BROWNFIELD="${want_brownfield:-${CFG_BROWNFIELD:-1}}"

  ensure_docker
  ensure_ssh_tools
  # Ports first: fail before any slow step if something else holds a node's port.
  local name port variant
  while read -r name port variant; do
    if [ "$(container_state "$name")" = absent ] && port_in_use "$port"; then
      die "127.0.0.1:$port (for $name) is in use by something that is not the lab; free it and retry"
    fi
  done < <(desired_nodes)
  ensure_image
  ensure_network
  ensure_client_key
  local t1
  t1=$(now_ms)
  build_mirror
  ensure_mirror_container
  log "mirror ready in $(($(now_ms) - t1)) ms"
  t1=$(now_ms)
  ensure_registry
  log "registry ready in $(($(now_ms) - t1)) ms"

  # Nodes that are no longer part of the lab (after `up --nodes` with a smaller N).
  local c
  while read -r c; do
    [ -n "$c" ] || continue
    if ! lookup_node "$c"; then
      log "$c: not part of the lab any more; removing"
      remove_node "$c"
      rm -rf "$LAB_DIR/nodes/$c"
    fi
  done < <(docker ps -a --filter "label=$LABEL.role=node" --format '{{.Names}}')

  local names=() ports=() variants=() actions=() i
  while read -r name port variant; do
    ensure_host_key "$name"
    names+=("$name")
    ports+=("$port")
    variants+=("$variant")
  done < <(desired_nodes)
  write_known_hosts
  write_ssh_config

  for i in "${!names[@]}"; do
    ensure_node "${names[$i]}" "${ports[$i]}" "${variants[$i]}" </dev/null
    actions+=("$NODE_ACTION")
  done

  for i in "${!names[@]}"; do
    wait_ssh "${names[$i]}" "${ports[$i]}"
    wait_node_docker "${names[$i]}" "${ports[$i]}"
    trust_registry_ca "${names[$i]}"
  done

  printf 'nodes=%s\nbrownfield=%s\n' "$CFG_NODES" "$CFG_BROWNFIELD" >"$CONFIG.tmp"
  mv -f "$CONFIG.tmp" "$CONFIG"
  write_fleet
  trap - EXIT

  for i in "${!names[@]}"; do
    printf '%-18s 127.0.0.1:%s  %s\n' "${names[$i]}" "${ports[$i]}" "${actions[$i]}"
  done
  printf 'lab up in %d ms; fleet file: %s\n' "$(($(now_ms) - t0))" "$LAB_DIR/fleet.yaml"
}

teardown_docker_objects() {
  local ids
  ids=$(docker ps -aq --filter "label=$LABEL" || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086 # word splitting of container ids is intended
    docker rm -f $ids >/dev/null 2>&1 || true
  fi
  ids=$(docker volume ls -q --filter "label=$LABEL" || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    docker volume rm -f $ids >/dev/null 2>&1 || true
  fi
  docker network rm "$NETWORK" >/dev/null 2>&1 || true
}

# Every image the lab and its tests build on this machine, each cached by its recipe's hash; the
# built .debs and Go binaries live under .lab/, which down removes anyway. After a purge the next
# `up` (and the mirror test) start as on a machine that never ran the project.
PURGED_IMAGE_REPOS=("$IMAGE_REPO" "$REGISTRY_IMAGE_REPO" "$MIRROR_TEST_IMAGE_REPO")
purge_images() {
  local repo imgs
  for repo in "${PURGED_IMAGE_REPOS[@]}"; do
    imgs=$(docker images -q "$repo" | sort -u)
    [ -n "$imgs" ] || continue
    log "removing cached images $repo"
    # shellcheck disable=SC2086
    docker rmi -f $imgs >/dev/null || die "could not remove the cached images of $repo"
  done
}

cmd_down() {
  local purge=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --purge-images) purge=1 ;;
      *) die "down: unknown argument: $1" ;;
    esac
    shift
  done
  if docker_ok; then
    lock_lab
    teardown_docker_objects
    if [ "$purge" -eq 1 ]; then
      local imgs
      purge_images
    fi
  else
    log "no Docker engine answers; removing .lab/ only"
  fi
  rm -rf "$LAB_DIR"
  printf 'lab down\n'
}

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
    if [ "$state" = running ] && ssh_ready "$port"; then reach=ok; fi
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
  wait_ssh "$name" "$NODE_PORT"
  wait_node_docker "$name" "$NODE_PORT"
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
  ssh_opts "$NODE_PORT"
  if [ $# -eq 0 ]; then
    exec ssh "${SSH_OPTS[@]/BatchMode=yes/BatchMode=no}" root@127.0.0.1
  fi
  # Like ssh(1): the remaining arguments form the remote command line.
  exec ssh "${SSH_OPTS[@]}" root@127.0.0.1 -- "$@"
}

# The lab's sample workload image, made on NODE from its own files and pushed to the registry;
# prints the reference pinned by the registry's digest (the script: lab/registry/push-sample.sh).
cmd_push_sample() {
  [ $# -eq 1 ] || die "usage: push-sample NODE"
  require_lab
  lookup_node "$1" || die "no node named '$1' in the lab"
  [ "$(container_state "$REGISTRY_NAME")" = running ] || die "$REGISTRY_NAME is not running (run: npm run lab -- up)"
  node_ssh "$NODE_PORT" "bash -s -- $REGISTRY_HOST" <"$SCRIPT_DIR/registry/push-sample.sh"
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
