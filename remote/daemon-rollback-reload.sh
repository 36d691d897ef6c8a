#!/bin/sh
# wait_for_docker: remote/daemon-wait-for-docker.sh, put in front of this script by the loader.
# After a failed reload-only apply, with the previous daemon.json back in place: reload and wait
# (never a restart, which would stop containers that live-restore does not cover).
systemctl reload docker.service 2>&1
wait_for_docker
