# shellcheck shell=bash
# shellcheck disable=SC2034 # sets globals (NODE_PORT, NODE_ACTION, ...) that the other parts of lab.sh read
# lab/lab.sh, lab config: sourced by lab/lab.sh, which defines the settings and log/die.

# config holds three lines: nodes=N, brownfield=0|1 and access=0|1. Parsed, never sourced.
read_config() {
  CFG_NODES=""
  CFG_BROWNFIELD=""
  CFG_ACCESS=""
  [ -f "$CONFIG" ] || return 0
  local k v
  while IFS='=' read -r k v; do
    case "$k" in
      nodes) [[ "$v" =~ ^([1-9]|1[0-6])$ ]] && CFG_NODES="$v" ;;
      brownfield) [[ "$v" =~ ^[01]$ ]] && CFG_BROWNFIELD="$v" ;;
      access) [[ "$v" =~ ^[01]$ ]] && CFG_ACCESS="$v" ;;
    esac
  done <"$CONFIG"
}

# Prints "name port variant" for every node of the configured lab.
desired_nodes() {
  local i
  for ((i = 1; i <= CFG_NODES; i++)); do
    printf '%s%d %d green\n' "$NODE_PREFIX" "$i" "$((BASE_PORT + i))"
  done
  if [ "$CFG_BROWNFIELD" = 1 ]; then
    printf '%s %d brownfield\n' "$BROWNFIELD_NAME" "$BROWNFIELD_PORT"
  fi
  access_nodes
}

# Sets NODE_PORT and NODE_VARIANT for a node of the configured lab, or fails.
lookup_node() {
  local want="$1" name port variant
  while read -r name port variant; do
    if [ "$name" = "$want" ]; then
      NODE_PORT="$port"
      NODE_VARIANT="$variant"
      return 0
    fi
  done < <(desired_nodes)
  return 1
}

require_lab() {
  read_config
  [ -n "$CFG_NODES" ] || die "the lab is not up (run: npm run lab -- up)"
}

lock_lab() {
  mkdir -p "$LAB_DIR"
  exec 9>>"$LAB_DIR/lock"
  flock -w 600 9 || die "another lab command holds .lab/lock"
}
