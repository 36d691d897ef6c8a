# shellcheck shell=bash
# lab/lab.sh, the down command: remove the lab (and with --purge-images every image it cached).
# Sourced by lab/lab.sh.

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
