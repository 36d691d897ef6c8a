#!/bin/sh
# shellcheck disable=SC2016 # the sh -c scripts are single-quoted on purpose
# gnh_audit_paths, gpg_primaries, gnh_stat_paths, gnh_dockerd_argv, gnh_docker_units and
# gnh_toolkit_config: remote/audit-paths.sh, remote/gpg-primaries.sh, remote/stat-paths.sh,
# remote/dockerd-command-line.sh and remote/toolkit-config-reading.sh, put in front by the loader.
set -u
export LC_ALL=C
t=$(mktemp -d /tmp/gnh-audit.XXXXXX) || exit 3
trap 'rm -rf "$t"' EXIT
export GNUPGHOME="$t/gnupg"
mkdir -m 700 "$GNUPGHOME"
seccomp_default=$1 toolkit_config=$2 packages=$3 audit_spec=$4
shift 4
section() {
  name=$1; shift
  "$@" >"$t/out" 2>"$t/err"
  rc=$?
  printf '%s %s %s %s\n' "$name" "$rc" "$(base64 -w0 <"$t/out")" "$(head -c 2000 "$t/err" | base64 -w0)"
}
section os cat /etc/os-release
section daemon-json cat /etc/docker/daemon.json
section docker-info docker info --format '{{json .}}'
seccomp_path=$(sed -n 's/.*"seccomp-profile"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' /etc/docker/daemon.json 2>/dev/null | head -n 1)
[ -n "$seccomp_path" ] || seccomp_path=$seccomp_default
# CIS 1.1.1: the filesystem that holds Docker's root directory, and the docker group's members (1.1.2)
section docker-root-mount sh -c 'd=$(docker info --format "{{.DockerRootDir}}" 2>/dev/null); [ -n "$d" ] || d=/var/lib/docker; printf "%s\n" "$d"; findmnt -n -o TARGET -T "$d"'
section docker-group getent group docker
# the running dockerd's own argv, one argument a line (what runs, whatever the unit files say)
# which unit files make up docker.service: the fragment, then its drop-ins (what set the command line)
section docker-unit gnh_docker_units
section dockerd-argv gnh_dockerd_argv
section seccomp-sha256 sh -c 'printf "%s\n" "$1"; [ -f "$1" ] && sha256sum "$1" | cut -d" " -f1' gnh "$seccomp_path"
# shellcheck disable=SC2086
section dpkg dpkg-query -W -f '${Package}\t${Version}\t${db:Status-Abbrev}\n' $packages
section runc-version runc --version
# as the toolkit reads it (nvidia-ctk config); without the toolkit, the file as it is
section config-toml gnh_toolkit_config "$toolkit_config"
section apt-sources sh -c 'for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] || continue; printf "### %s\n" "$f"; cat "$f"; printf "\n"; done'
# The keyrings that the apt sources name (signed-by, Signed-By), each with its primary fingerprints.
# shellcheck disable=SC2317,SC2013 # called through section; the sources name paths, split on whitespace as apt does
keyring_fingerprints() {
  for k in $(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
      | sed -n -e 's/.*signed-by=\([^] ]*\).*/\1/p' -e 's/^Signed-By:[[:space:]]*\(\/[^[:space:]]*\).*/\1/p' | sort -u); do
    printf '### %s\n' "$k"
    [ -f "$k" ] && gpg_primaries "$k"
  done
}
section keyrings keyring_fingerprints
section stat gnh_stat_paths "$@"
section audit-paths gnh_audit_paths "$audit_spec"
section audit-rules sh -c 'for f in /etc/audit/rules.d/*.rules /etc/audit/audit.rules; do [ -f "$f" ] || continue; printf "### %s\n" "$f"; cat "$f"; printf "\n"; done'
# the rules in force, where auditd runs (3: auditd not active, 4: no auditctl)
section audit-loaded sh -c 'systemctl is-active --quiet auditd 2>/dev/null || exit 3; command -v auditctl >/dev/null 2>&1 || exit 4; auditctl -l'
# the loaded NVIDIA kernel driver (absent without a GPU driver: the section exits non-zero)
section nvidia-driver cat /proc/driver/nvidia/version
# each running container's processes as the host's ps sees them, "PID COMMAND" lines (docker top:
# nothing runs inside the container; docker top needs the PID column)
# shellcheck disable=SC2317 # called through section
container_processes() {
  for id in $(docker ps -q --no-trunc); do
    printf '### %s\n' "$id"
    docker top "$id" -o pid,comm >"$t/top" || return 1
    tail -n +2 "$t/top"
  done
}
section container-processes container_processes
# the volumes' driver options: a local volume with o=bind is a bind of its device path
section volumes sh -c 'names=$(docker volume ls -q) || exit 1; if [ -n "$names" ]; then docker volume inspect $names; else echo "[]"; fi'
section containers sh -c 'ids=$(docker ps -aq) || exit 1; if [ -n "$ids" ]; then docker inspect $ids; else echo "[]"; fi'
exit 0
