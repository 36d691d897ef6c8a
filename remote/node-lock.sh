#!/bin/sh
# One writer per node. Set by the loader (transport/nodeLock.ts): NODE_LOCK.
# Arguments: HOLDER WAIT_SECONDS. Takes the node's lock and holds it until stdin closes: the SSH
# session of the run that holds it ends when that run's process ends, however it ends, and the
# lock goes with it. stdout, one line each: "waiting HOLDER" while another run holds it,
# "locked" once ours, or "busy HOLDER" when it was not freed within WAIT_SECONDS (exit 75).
set -u
holder_file="${NODE_LOCK}.holder"
mkdir -p "$(dirname "${NODE_LOCK}")"
exec 9>> "${NODE_LOCK}"
if ! flock -n 9; then
  printf 'waiting %s\n' "$(cat "$holder_file" 2> /dev/null || echo 'an unnamed run')"
  if ! flock -w "$2" 9; then
    printf 'busy %s\n' "$(cat "$holder_file" 2> /dev/null || echo 'an unnamed run')"
    exit 75
  fi
fi
printf '%s\n' "$1" > "$holder_file"
printf 'locked\n'
# the lock is the shell's own fd: cat must not keep it alive after the shell is gone
cat > /dev/null 9>&-
rm -f "$holder_file"
