#!/bin/sh
# Set by the loader (lib/remoteScripts.ts): DAEMON_JSON, STATE_DIR; gnh_dockerd_argv and
# gnh_docker_units from remote/dockerd-command-line.sh.
set -u
section() { printf '%s ' "$1"; if [ -f "$2" ]; then base64 -w0 < "$2"; fi; printf '\n'; }
section daemon "${DAEMON_JSON}"
section lastApplied "${STATE_DIR}"/daemon.last-applied.json
# dockerd's flags as systemd passes them: ExecStart's argv with the unit's EnvironmentFiles applied.
argv=$(systemctl show -p ExecStart --value docker.service 2>/dev/null | sed -n 's/.*argv\[\]=\([^;]*\) ;.*/\1/p' | head -n 1)
envfiles=$(systemctl show -p EnvironmentFiles --value docker.service 2>/dev/null | sed 's/ (ignore_errors=[a-z]*)//g')
# shellcheck disable=SC1090 # the unit's EnvironmentFiles, whatever they are on this node
printf 'dockerdArgs %s\n' "$( (set +u; set -a; for f in $envfiles; do [ -f "$f" ] && . "$f"; done; set +a; eval "set -- $argv"; [ $# -gt 0 ] && shift; for a in "$@"; do printf '%s\n' "$a"; done) | base64 -w0)"
printf 'info %s\n' "$(docker info --format '{{json .}}' 2>/dev/null | base64 -w0)"
printf 'version %s\n' "$(docker version --format '{{.Server.Version}}' 2>/dev/null)"
# the running dockerd's own argv, NUL-separated turned to lines (what runs, whatever the units say now)
printf 'runningArgs %s\n' "$(gnh_dockerd_argv | base64 -w0)"
# the unit files docker.service is made of: the fragment, then the drop-ins
printf 'units %s\n' "$(gnh_docker_units | tr '\n' ' ')"
