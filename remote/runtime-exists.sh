#!/bin/sh
# $1 = a runtime path from daemon.json: an absolute path must be executable, a bare name on PATH.
p="$1"
case "$p" in
  /*) test -x "$p" ;;
  *) command -v "$p" >/dev/null ;;
esac
