# shellcheck shell=bash
# lab/lab.sh, mirror: sourced by lab/lab.sh, which defines the settings and log/die.

# Prints the mirror's primary key fingerprint (40 hex digits) or nothing.
mirror_fingerprint() {
  local f="$MIRROR_DIR/fingerprint" fp
  [ -f "$f" ] || return 0
  fp=$(tr -d ' \t\r\n' <"$f" | tr '[:lower:]' '[:upper:]')
  [[ "$fp" =~ ^[0-9A-F]{40}$ ]] && printf '%s\n' "$fp"
  return 0
}

# The armored public key of the good repository, or nothing.
mirror_key_file() {
  local c
  for c in "$MIRROR_DIR/good/gpgkey" "$MIRROR_DIR/gpgkey" "$MIRROR_DIR/good/stable/gpgkey"; do
    if [ -f "$c" ]; then
      printf '%s\n' "$c"
      return 0
    fi
  done
}

# URL path (below the mirror root) of the good flat repository with $(ARCH) in it,
# e.g. good/stable/deb/$(ARCH); or nothing.
mirror_repo_path() {
  local rel arch
  [ -d "$MIRROR_DIR/good" ] || return 0
  rel=$(cd -- "$MIRROR_DIR" && find good -name InRelease -print | sort | head -n 1)
  [ -n "$rel" ] || return 0
  rel=$(dirname -- "$rel")
  arch=$(dpkg --print-architecture 2>/dev/null || printf 'amd64')
  if [ "$(basename -- "$rel")" = "$arch" ]; then
    rel="$(dirname -- "$rel")/\$(ARCH)"
  fi
  printf '%s\n' "$rel"
}

build_mirror() {
  mkdir -p "$MIRROR_DIR"
  if [ -f "$MIRROR_SCRIPT" ]; then
    log "building the mirror (lab/mirror/build-repo.sh; log: .lab/mirror-build.log)"
    if ! bash "$MIRROR_SCRIPT" "$MIRROR_DIR" >"$LAB_DIR/mirror-build.log" 2>&1; then
      tail -n 30 "$LAB_DIR/mirror-build.log" >&2
      die "lab/mirror/build-repo.sh failed"
    fi
  else
    log "skip: lab/mirror/build-repo.sh is not there yet; serving an empty mirror"
  fi
}

ensure_mirror_container() {
  local inode state
  inode=$(stat -c '%d:%i' "$MIRROR_DIR")
  state=$(container_state "$MIRROR_NAME")
  if [ "$state" != absent ]; then
    if [ "$(container_label "$MIRROR_NAME" "$LABEL.image")" = "$IMAGE" ] &&
      [ "$(container_label "$MIRROR_NAME" "$LABEL.mirror-dir")" = "$inode" ]; then
      [ "$state" = running ] || docker start "$MIRROR_NAME" >/dev/null
      return 0
    fi
    docker rm -f "$MIRROR_NAME" >/dev/null
  fi
  docker run -d --name "$MIRROR_NAME" --hostname "$MIRROR_NAME" \
    --network "$NETWORK" --network-alias "$MIRROR_NAME" \
    --label "$LABEL=1" --label "$LABEL.role=mirror" --label "$LABEL.image=$IMAGE" \
    --label "$LABEL.mirror-dir=$inode" \
    --read-only --tmpfs /tmp --restart unless-stopped \
    -v "$MIRROR_DIR:/srv/mirror:ro" \
    "$IMAGE" busybox httpd -f -p 80 -h /srv/mirror >/dev/null
  UP_CREATED+=("container:$MIRROR_NAME")
}
