# shellcheck shell=bash
# lab/lab.sh, registry: sourced by lab/lab.sh, which defines the settings and log/die.

# Debian's docker-registry with TLS from the lab's own CA (lab/registry/). Nodes reach it as
# https://gnh-registry:5000 on the lab network; it publishes no port on the controller.
ensure_registry() {
  local image state want
  if ! image=$(bash "$SCRIPT_DIR/registry/build-image.sh" 2>>"$LAB_DIR/registry-build.log"); then
    tail -n 30 "$LAB_DIR/registry-build.log" >&2
    die "lab/registry/build-image.sh failed"
  fi
  bash "$SCRIPT_DIR/registry/tls.sh" "$REGISTRY_DIR" "$REGISTRY_NAME" || die "lab/registry/tls.sh failed"
  # Image, configuration and certificates: a change to any of them re-creates the container
  # (the data volume stays).
  want=$({
    printf '%s\n' "$image"
    cat -- "$SCRIPT_DIR/registry/config.yml" "$REGISTRY_DIR/tls/tls.crt"
  } | sha256sum)
  want="${want:0:12}"
  state=$(container_state "$REGISTRY_NAME")
  if [ "$state" != absent ]; then
    if [ "$(container_label "$REGISTRY_NAME" "$LABEL.registry")" = "$want" ]; then
      if [ "$state" != running ]; then
        docker start "$REGISTRY_NAME" >/dev/null
        wait_registry
      fi
      return 0
    fi
    docker rm -f "$REGISTRY_NAME" >/dev/null
  fi
  if ! docker volume inspect "$REGISTRY_VOLUME" >/dev/null 2>&1; then
    docker volume create --label "$LABEL=1" "$REGISTRY_VOLUME" >/dev/null
    UP_CREATED+=("volume:$REGISTRY_VOLUME")
  fi
  # Root in the container with no capabilities: it reads the 0600 key it is given (owned by
  # the controller's root) and writes its own volume, nothing else.
  docker run -d --name "$REGISTRY_NAME" --hostname "$REGISTRY_NAME" \
    --network "$NETWORK" --network-alias "$REGISTRY_NAME" \
    --label "$LABEL=1" --label "$LABEL.role=registry" --label "$LABEL.registry=$want" \
    --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges=true \
    --restart unless-stopped \
    -v "$SCRIPT_DIR/registry/config.yml:/etc/gnh-registry/config.yml:ro" \
    -v "$REGISTRY_DIR/tls:/etc/gnh-registry/tls:ro" \
    -v "$REGISTRY_VOLUME:/srv/registry" \
    "$image" /usr/bin/docker-registry serve /etc/gnh-registry/config.yml >/dev/null
  UP_CREATED+=("container:$REGISTRY_NAME")
  wait_registry
}

wait_registry() {
  local deadline=$((SECONDS + REGISTRY_WAIT_S))
  until docker logs "$REGISTRY_NAME" 2>&1 | grep -q 'listening on .*tls'; do
    if [ "$(container_state "$REGISTRY_NAME")" != running ] || [ "$SECONDS" -ge "$deadline" ]; then
      docker logs --tail 20 "$REGISTRY_NAME" >&2 || true
      die "$REGISTRY_NAME did not start serving TLS"
    fi
    sleep 0.2
  done
}

# Puts the registry's CA where NAME's Docker trusts it, on the running node. Not part of the
# files staged before the first boot (whose hash decides re-creation), so the registry never
# re-creates a node; `up` and `reset` call this for every node.
trust_registry_ca() {
  local name="$1" stage
  [ -f "$REGISTRY_CA" ] || return 0
  if docker exec "$name" cat "$REGISTRY_CA_ON_NODE" 2>/dev/null | cmp -s - "$REGISTRY_CA"; then
    return 0
  fi
  stage=$(mktemp -d)
  install -d -m 0755 "$stage$(dirname -- "$REGISTRY_CA_ON_NODE")"
  install -m 0644 "$REGISTRY_CA" "$stage$REGISTRY_CA_ON_NODE"
  # The file only (no directory entries), as for the staged node files.
  (cd -- "$stage" && tar --no-recursion --owner=0 --group=0 --numeric-owner -cf - ".$REGISTRY_CA_ON_NODE") |
    docker cp - "$name:/"
  rm -rf -- "$stage"
}
