#!/bin/sh
# wait_for_docker: remote/daemon-wait-for-docker.sh, put in front of this script by the loader.
# Restarts Docker (clearing systemd's start rate limit first, as a deliberate restart should),
# recording start and end times in the restart log (the rollout's proof of its parallelism
# bound), then waits until the daemon answers and prints `docker info` as JSON.
# Set by the loader (lib/remoteScripts.ts): STATE_DIR, RESTART_LOG.
mkdir -p "${STATE_DIR}"
printf '%s ' "$(date +%s%N)" >> "${RESTART_LOG}"
systemctl reset-failed docker.service docker.socket 2>/dev/null
systemctl restart docker.service 2>&1
rc=$?
printf '%s\n' "$(date +%s%N)" >> "${RESTART_LOG}"
[ $rc -eq 0 ] || exit $rc
wait_for_docker
