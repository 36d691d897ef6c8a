#!/bin/sh
# wait_for_docker: remote/daemon-wait-for-docker.sh, put in front of this script by the loader.
# Reloads Docker's configuration (keys dockerd can change without a restart), then waits until
# the daemon answers and prints `docker info` as JSON.
systemctl reload docker.service 2>&1 || exit $?
wait_for_docker
