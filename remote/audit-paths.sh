#!/bin/sh
gnh_audit_paths() {
  printf '%s\n' "$1" | while read -r id kind value; do
    [ -n "$id" ] || continue
    case "$kind" in
      path) set -- "$value" ;;
      binary) set -- "$(command -v "$value" 2>/dev/null)" "/usr/bin/$value" "/usr/sbin/$value" "/usr/local/bin/$value" "/usr/local/sbin/$value" "/bin/$value" "/sbin/$value" ;;
      unit) set -- "$(systemctl show -p FragmentPath --value "$value" 2>/dev/null)" ;;
      *) continue ;;
    esac
    for p in "$@"; do
      case "$p" in /*) ;; *) continue ;; esac
      [ -e "$p" ] || continue
      printf '%s %s\n' "$id" "$(readlink -f "$p")"
    done
  done | LC_ALL=C sort -u
}
