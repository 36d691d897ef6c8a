#!/bin/sh
# gnh_stat_paths ARG...: one line per path: "PATH OWNER GROUP MODE", "PATH -" when absent, "PATH L"
# for a symlink (left alone: chmod would follow it). An argument "+DIR" stands for every regular
# file under DIR (registry certificates under /etc/docker/certs.d), nothing when DIR is absent.
gnh_stat_paths() {
  for f in "$@"; do
    case "$f" in
      +*)
        d=${f#+}
        [ -d "$d" ] || continue
        find "$d" -xdev -type f -exec stat -c "%n %U %G %a" {} +
        ;;
      *)
        if [ -L "$f" ]; then
          printf "%s L\n" "$f"
        elif [ -e "$f" ]; then
          stat -c "%n %U %G %a" "$f"
        else
          printf "%s -\n" "$f"
        fi
        ;;
    esac
  done
}
