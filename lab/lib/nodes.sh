# shellcheck shell=bash
# shellcheck disable=SC2034 # sets globals (NODE_PORT, NODE_ACTION, ...) that the other parts of lab.sh read
# lab/lab.sh, nodes: sourced by lab/lab.sh, which defines the settings and log/die.

# Armored key -> binary keyring, as `gpg --dearmor` in NVIDIA's guide does (with the
# node image's gpg; the controller needs none). Cached by the key's hash.
dearmored_key() {
  local src="$1" dst="$2" sum cache="$LAB_DIR/nodes/nvidia-keyring"
  sum=$(sha256sum <"$src")
  if [ ! -f "$cache.gpg" ] || [ "$(cat "$cache.src" 2>/dev/null)" != "$sum" ]; then
    mkdir -p "$(dirname -- "$cache")"
    if grep -q -- '-----BEGIN PGP PUBLIC KEY BLOCK-----' "$src"; then
      docker run --rm -i --network none "$IMAGE" gpg --dearmor <"$src" >"$cache.gpg"
    else
      cp -- "$src" "$cache.gpg"
    fi
    printf '%s\n' "$sum" >"$cache.src"
  fi
  cp -- "$cache.gpg" "$dst"
}

# DIR anew with NAME's host key and CLIENT_PUB as root's authorized key: what sshd needs at first boot.
stage_ssh_identity() {
  local name="$1" client_pub="$2" dir="$3"
  rm -rf "$dir"
  install -d -m 0755 "$dir/etc/ssh"
  install -m 0600 "$(host_key_file "$name")" "$dir/etc/ssh/ssh_host_ed25519_key"
  install -m 0644 "$(host_key_file "$name").pub" "$dir/etc/ssh/ssh_host_ed25519_key.pub"
  install -d -m 0700 "$dir/root/.ssh"
  install -m 0600 "$client_pub" "$dir/root/.ssh/authorized_keys"
}

# Writes the files a node gets before its first boot into DIR (a tree rooted at /).
stage_node_files() {
  local name="$1" variant="$2" dir="$3" repo key
  stage_ssh_identity "$name" "$KEY.pub" "$dir"
  # What a GPU host's toolkit generates: a CDI spec for its (here: placeholder) GPUs.
  install -d -m 0755 "$dir/etc/cdi"
  install -m 0644 "$CDI_PLACEHOLDER_SPEC" "$dir/etc/cdi/nvidia.yaml"
  stage_access_files "$name" "$variant" "$dir"
  [ "$variant" = brownfield ] || return 0

  # The state NVIDIA's install guide leaves: a hand-written daemon.json that names the
  # runtime by bare name and carries user keys, a keyring and a one-line list file.
  install -d -m 0755 "$dir/etc/docker"
  printf '%s\n' '{"runtimes":{"nvidia":{"args":[],"path":"nvidia-container-runtime"}},"data-root":"/var/lib/docker","log-opts":{"max-size":"50m"}}' \
    >"$dir/etc/docker/daemon.json"
  chmod 0644 "$dir/etc/docker/daemon.json"
  repo=$(mirror_repo_path)
  key=$(mirror_key_file)
  if [ -z "$repo" ] || [ -z "$key" ]; then
    log "skip: $name gets no NVIDIA keyring/list file (no signed repository under .lab/mirror/good yet)"
    return 0
  fi
  install -d -m 0755 "$dir/usr/share/keyrings" "$dir/etc/apt/sources.list.d"
  dearmored_key "$key" "$dir/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg"
  chmod 0644 "$dir/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg"
  printf 'deb [signed-by=/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg] http://%s/%s /\n' \
    "$MIRROR_NAME" "$repo" >"$dir/etc/apt/sources.list.d/nvidia-container-toolkit.list"
  chmod 0644 "$dir/etc/apt/sources.list.d/nvidia-container-toolkit.list"
}

# A hash of the staged tree, kept as a label: a change re-creates the node on `up`.
stage_hash() {
  local dir="$1" h
  h=$(cd -- "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
  printf '%s\n' "${h:0:12}"
}

# Creates and starts NAME from the cached image with a fresh docker volume.
create_node() {
  local name="$1" port="$2" variant="$3" stage vol hash
  vol="gnh-lab-$name-docker"
  stage="$LAB_DIR/nodes/$name/stage"
  stage_node_files "$name" "$variant" "$stage"
  hash=$(stage_hash "$stage")
  local publish=()
  if [ "$port" != 0 ]; then
    if port_in_use "$port"; then
      die "127.0.0.1:$port is in use by something that is not the lab; free it and retry"
    fi
    publish=(-p "127.0.0.1:$port:22")
  fi
  docker volume create --label "$LABEL=1" "$vol" >/dev/null
  UP_CREATED+=("volume:$vol")
  docker create --name "$name" --hostname "$name" --network "$NETWORK" \
    --label "$LABEL=1" --label "$LABEL.role=node" --label "$LABEL.node=$name" \
    --label "$LABEL.port=$port" --label "$LABEL.variant=$variant" \
    --label "$LABEL.image=$IMAGE" --label "$LABEL.stage=$hash" \
    "${publish[@]}" --stop-signal SIGRTMIN+3 --restart unless-stopped \
    --cap-add=ALL --cap-drop=SYS_RESOURCE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --security-opt systempaths=unconfined \
    --device-cgroup-rule='a *:* rwm' --cgroupns=host \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
    --tmpfs /run --tmpfs /run/lock \
    -v "$vol:/var/lib/docker" \
    "$IMAGE" /lib/systemd/systemd >/dev/null
  UP_CREATED+=("container:$name")
  copy_staged_files "$stage" "$name"
  docker start "$name" >/dev/null
}

# The staged tree into a created container, owned by root. Files only (no directory entries), so
# the image's directory modes stay as they are.
copy_staged_files() {
  local stage="$1" container="$2"
  (cd -- "$stage" && find . -type f -print | sort |
    tar --no-recursion --owner=0 --group=0 --numeric-owner -T - -cf -) |
    docker cp - "$container:/"
}

remove_node() {
  local name="$1"
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker volume rm -f "gnh-lab-$name-docker" >/dev/null 2>&1 || true
}

# Brings NAME to "running, current image, current files"; sets NODE_ACTION.
ensure_node() {
  local name="$1" port="$2" variant="$3" state stage hash
  state=$(container_state "$name")
  if [ "$state" != absent ]; then
    stage="$LAB_DIR/nodes/$name/stage"
    stage_node_files "$name" "$variant" "$stage"
    hash=$(stage_hash "$stage")
    if [ "$(container_label "$name" "$LABEL.image")" = "$IMAGE" ] &&
      [ "$(container_label "$name" "$LABEL.stage")" = "$hash" ] &&
      [ "$(container_label "$name" "$LABEL.port")" = "$port" ]; then
      if [ "$state" = running ]; then
        NODE_ACTION=unchanged
      else
        docker start "$name" >/dev/null
        NODE_ACTION=started
      fi
      return 0
    fi
    log "$name: image or files changed; re-creating"
    remove_node "$name"
  fi
  create_node "$name" "$port" "$variant"
  NODE_ACTION=created
}
