# shellcheck shell=bash
# lab/lab.sh, node image: sourced by lab/lab.sh, which defines the settings and log/die.

image_tag() {
  local h
  h=$({
    printf 'suite=%s\ninclude=%s\nvariant=apt\n' "$SUITE" "$INCLUDE"
    printf 'source=%s\n' "${DEBIAN_SOURCES[@]}"
    printf 'change=%s\n' "${IMPORT_CHANGES[@]}"
    cat -- "$CUSTOMIZE"
  } | sha256sum)
  printf '%s:%s\n' "$IMAGE_REPO" "${h:0:12}"
}

ensure_image() {
  IMAGE=$(image_tag)
  if docker image inspect "$IMAGE" >/dev/null 2>&1; then
    return 0
  fi
  ensure_mmdebstrap
  log "building node image $IMAGE (mmdebstrap $SUITE; log: .lab/image-build.log)"
  local t0 tar hook
  t0=$(now_ms)
  mkdir -p "$LAB_DIR/build"
  tar="$LAB_DIR/build/node.tar"
  # The hook runs under sh -c with the root directory as $1.
  # shellcheck disable=SC2016 # $1 is for the hook's shell, not this one
  hook=$(printf 'bash %q "$1"' "$CUSTOMIZE")
  if ! mmdebstrap --variant=apt --include="$INCLUDE" --customize-hook="$hook" \
    "$SUITE" "$tar" "${DEBIAN_SOURCES[@]}" >"$LAB_DIR/image-build.log" 2>&1; then
    tail -n 30 "$LAB_DIR/image-build.log" >&2
    die "mmdebstrap failed"
  fi
  local change_args=() c
  for c in "${IMPORT_CHANGES[@]}"; do change_args+=(--change "$c"); done
  docker import "${change_args[@]}" "$tar" "$IMAGE" >/dev/null
  rm -rf "$LAB_DIR/build"
  log "image $IMAGE built in $(($(now_ms) - t0)) ms"
}
