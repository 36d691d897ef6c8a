# shellcheck shell=bash
# lab/lab.sh, docker objects: sourced by lab/lab.sh, which defines the settings and log/die.

container_state() {
  local s
  if s=$(docker container inspect -f '{{.State.Status}}' "$1" 2>/dev/null) && [ -n "$s" ]; then
    printf '%s\n' "$s"
  else
    printf 'absent\n'
  fi
}

container_label() {
  docker container inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true
}

ensure_network() {
  docker network inspect "$NETWORK" >/dev/null 2>&1 && return 0
  docker network create --driver bridge --label "$LABEL=1" "$NETWORK" >/dev/null
  UP_CREATED+=("network:$NETWORK")
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
