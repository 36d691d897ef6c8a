#!/bin/sh
# wait_for_docker: remote/daemon-wait-for-docker.sh, put in front of this script by the loader.
# After a failed apply, with the previous daemon.json back in place: restart Docker and wait.
systemctl reset-failed docker.service docker.socket 2>/dev/null
systemctl restart docker.service 2>&1
wait_for_docker
