#!/bin/sh
# wait_for_docker: Docker is up when the unit is active AND the daemon answers (`docker info`
# alone prints the client's half and may exit 0 while no daemon runs). Prints `docker info` as
# JSON and exits 0, or exits 1 after 60 s.
wait_for_docker() {
  for _ in $(seq 1 60); do
    if systemctl is-active --quiet docker.service && docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
      docker info --format '{{json .}}' && exit 0
    fi
    sleep 1
  done
  exit 1
}
