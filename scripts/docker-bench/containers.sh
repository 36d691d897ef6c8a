#!/bin/sh
# Runs on a lab node (docker exec): the containers that the docker-bench-security comparison audits.
# Each breaks one or a few CIS section 4/5 controls, one is hardened; all carry the label gnh.bench.
# The image holds sleep, ps and sh (docker-bench runs `ps` in each container for 5.7) and a copy
# of sleep named sshd, so that one container shows an sshd process without a real daemon.
set -eu
image=gnh-bench:1
docker ps -aq --filter label=gnh.bench | xargs -r docker rm -f >/dev/null
if ! docker image inspect "$image" >/dev/null 2>&1; then
  stage=$(mktemp -d)
  for f in /usr/bin/sleep /usr/bin/ps /usr/bin/sh; do
    cp --parents "$f" "$stage"
    ldd "$f" | awk '/=>/ { print $3 } /ld-linux/ { print $1 }' | while read -r lib; do
      [ -e "$lib" ] && cp --parents -L "$lib" "$stage"
    done
  done
  mkdir -p "$stage/usr/sbin" "$stage/proc" "$stage/tmp"
  cp /usr/bin/sleep "$stage/usr/sbin/sshd"
  tar -C "$stage" -c . | docker import -c 'CMD ["/usr/bin/sleep", "infinity"]' - "$image" >/dev/null
  rm -rf "$stage"
fi
docker network inspect gnh-bench >/dev/null 2>&1 || docker network create gnh-bench >/dev/null
run() {
  name=$1
  shift
  docker run -d --name "$name" --label gnh.bench=1 "$@" >/dev/null
}
sleeper="$image /usr/bin/sleep infinity"
# shellcheck disable=SC2086 # $sleeper is the image and its command, split on purpose
{
  run cb-hardened --user 1000:1000 --cap-drop ALL --read-only --memory 256m --cpus 0.5 --pids-limit 100 \
    --restart on-failure:5 --security-opt no-new-privileges=true --ulimit nofile=1024:1024 --network gnh-bench \
    --health-cmd "/usr/bin/sleep 0" -p 127.0.0.1:8080:80 $sleeper
  run cb-default $sleeper
  run cb-privileged --privileged $sleeper
  run cb-capadd --cap-add SYS_ADMIN $sleeper
  run cb-hostnet --network host $sleeper
  run cb-hostpid --pid host $sleeper
  run cb-hostipc --ipc host $sleeper
  run cb-hostuts --uts host $sleeper
  run cb-sock -v /var/run/docker.sock:/var/run/docker.sock:ro $sleeper
  run cb-etc -v /etc:/host-etc $sleeper
  run cb-restart --restart always $sleeper
  run cb-ports -p 80:80 -p 127.0.0.1:2222:22 $sleeper
  run cb-publishall --expose 9000 -P $sleeper
  run cb-sshd "$image" /usr/sbin/sshd infinity
  run cb-cgroup --cgroup-parent /gnh-bench.slice $sleeper
  run cb-apparmor --security-opt apparmor=unconfined $sleeper
  run cb-label --security-opt label=disable $sleeper
  run cb-seccomp --security-opt seccomp=unconfined $sleeper
  run cb-nnp-false --security-opt no-new-privileges=false $sleeper
  run cb-device --device /dev/null:/dev/xnull $sleeper
  mkdir -p /srv/gnh-bench-shared
  mount --bind /srv/gnh-bench-shared /srv/gnh-bench-shared 2>/dev/null || true
  mount --make-shared /srv/gnh-bench-shared 2>/dev/null || true
  run cb-shared --mount type=bind,source=/srv/gnh-bench-shared,target=/data,bind-propagation=rshared $sleeper \
    || printf 'cb-shared: not created (this node cannot share a mount)\n' >&2
}
docker ps --filter label=gnh.bench --format '{{.Names}}' | sort
