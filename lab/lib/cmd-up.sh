# shellcheck shell=bash
# lab/lab.sh, the up command: create or repair the lab. Sourced by lab/lab.sh.

UP_CREATED=()
UP_FRESH=0

# Failed `up`: remove what this run created; a lab that did not exist before goes
# entirely (logs stay for the post-mortem).
up_cleanup() {
  local rc=$? item
  trap - EXIT
  [ "$rc" -ne 0 ] || exit 0
  log "up failed (exit $rc); cleaning up"
  for item in "${UP_CREATED[@]}"; do
    case "$item" in
      container:*) docker rm -f "${item#container:}" >/dev/null 2>&1 || true ;;
      volume:*) docker volume rm -f "${item#volume:}" >/dev/null 2>&1 || true ;;
    esac
  done
  if [ "$UP_FRESH" -eq 1 ]; then
    teardown_docker_objects
    find "$LAB_DIR" -mindepth 1 -maxdepth 1 ! -name '*.log' ! -name lock -exec rm -rf {} +
  fi
  exit "$rc"
}

cmd_up() {
  local want_nodes="" want_brownfield="" want_access=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes)
        [ $# -ge 2 ] || die "--nodes needs a number"
        want_nodes="$2"
        shift 2
        ;;
      --nodes=*)
        want_nodes="${1#--nodes=}"
        shift
        ;;
      --brownfield)
        want_brownfield=1
        shift
        ;;
      --no-brownfield)
        want_brownfield=0
        shift
        ;;
      --access)
        want_access=1
        shift
        ;;
      --no-access)
        want_access=0
        shift
        ;;
      *) die "up: unknown argument: $1" ;;
    esac
  done
  if [ -n "$want_nodes" ]; then
    if ! [[ "$want_nodes" =~ ^[0-9]+$ ]] || [ "$want_nodes" -lt 1 ] || [ "$want_nodes" -gt "$MAX_NODES" ]; then
      die "--nodes must be 1..$MAX_NODES"
    fi
  fi

  # Before the lock and the cleanup trap: a machine that cannot run Docker at all gets one line.
  if ! docker_ok && ! { command -v dockerd && command -v docker; } >/dev/null 2>&1 && ! command -v apt-get >/dev/null 2>&1; then
    die "no Docker engine runs and there is no apt-get to install one: install Docker Engine (Debian/Ubuntu: apt-get install docker.io) and start it"
  fi

  local t0
  t0=$(now_ms)
  lock_lab
  [ -f "$CONFIG" ] || UP_FRESH=1
  trap up_cleanup EXIT

  read_config
  CFG_NODES="${want_nodes:-${CFG_NODES:-$DEFAULT_NODES}}"
  CFG_BROWNFIELD="${want_brownfield:-${CFG_BROWNFIELD:-1}}"
  CFG_ACCESS="${want_access:-${CFG_ACCESS:-1}}"

  ensure_docker
  ensure_ssh_tools
  ensure_host_limits
  # Ports first: fail before any slow step if something else holds a node's port.
  local name port variant
  while read -r name port variant; do
    if [ "$port" != 0 ] && [ "$(container_state "$name")" = absent ] && port_in_use "$port"; then
      die "127.0.0.1:$port (for $name) is in use by something that is not the lab; free it and retry"
    fi
  done < <(desired_nodes)
  ensure_image
  ensure_network
  ensure_client_key
  ensure_access_keys
  local t1
  t1=$(now_ms)
  build_mirror
  ensure_mirror_container
  log "mirror ready in $(($(now_ms) - t1)) ms"
  t1=$(now_ms)
  ensure_registry
  log "registry ready in $(($(now_ms) - t1)) ms"

  # Nodes that are no longer part of the lab (after `up --nodes` with a smaller N).
  local c
  while read -r c; do
    [ -n "$c" ] || continue
    if ! lookup_node "$c"; then
      log "$c: not part of the lab any more; removing"
      remove_node "$c"
      rm -rf "$LAB_DIR/nodes/$c"
    fi
  done < <(docker ps -a --filter "label=$LABEL.role=node" --format '{{.Names}}')

  local names=() ports=() variants=() actions=() i
  while read -r name port variant; do
    ensure_host_key "$name"
    names+=("$name")
    ports+=("$port")
    variants+=("$variant")
  done < <(desired_nodes)
  write_known_hosts
  write_ssh_config
  if [ "$CFG_ACCESS" = 1 ]; then ensure_bastion; else remove_bastion; fi

  for i in "${!names[@]}"; do
    ensure_node "${names[$i]}" "${ports[$i]}" "${variants[$i]}" </dev/null
    actions+=("$NODE_ACTION")
  done

  for i in "${!names[@]}"; do
    wait_ssh "${names[$i]}"
    wait_node_docker "${names[$i]}"
    trust_registry_ca "${names[$i]}"
  done

  printf 'nodes=%s\nbrownfield=%s\naccess=%s\n' "$CFG_NODES" "$CFG_BROWNFIELD" "$CFG_ACCESS" >"$CONFIG.tmp"
  mv -f "$CONFIG.tmp" "$CONFIG"
  write_fleet
  trap - EXIT

  for i in "${!names[@]}"; do
    if [ "${ports[$i]}" = 0 ]; then
      printf '%-18s via %s  %s\n' "${names[$i]}" "$BASTION_NAME" "${actions[$i]}"
    else
      printf '%-18s 127.0.0.1:%s  %s\n' "${names[$i]}" "${ports[$i]}" "${actions[$i]}"
    fi
  done
  printf 'lab up in %d ms; fleet file: %s\n' "$(($(now_ms) - t0))" "$LAB_DIR/fleet.yaml"
}
