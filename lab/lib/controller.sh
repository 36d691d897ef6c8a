# shellcheck shell=bash
# lab/lab.sh, controller tools: sourced by lab/lab.sh, which defines the settings and log/die.

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

# Every node runs systemd, journald, dbus and dockerd, each holding inotify instances; with more
# than about 15 nodes the kernel's default of 128 per user runs out and the next node's systemd
# cannot start (its sshd never answers). Raised for the machine, never lowered.
LAB_INOTIFY_INSTANCES=1024
ensure_host_limits() {
  local now
  now=$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 0)
  if [ "$now" -lt "$LAB_INOTIFY_INSTANCES" ]; then
    log "raising fs.inotify.max_user_instances from $now to $LAB_INOTIFY_INSTANCES (lab nodes run systemd each)"
    sysctl -q -w "fs.inotify.max_user_instances=$LAB_INOTIFY_INSTANCES" >/dev/null ||
      log "could not raise fs.inotify.max_user_instances; more than about 15 nodes may not start"
  fi
}
