#!/bin/sh
# install_file PATH OWNER GROUP MODE SHA256: the content on stdin becomes PATH, atomically: written
# to a temporary file beside it, checked against SHA256 (gnh_receive_verified), given its owner and
# mode, then renamed over PATH.
install_file() {
  dir=$(dirname "$1")
  mkdir -p "$dir"
  tmp=$(mktemp "$dir/.gnh-tmp.XXXXXX")
  trap 'rm -f "$tmp"' EXIT
  # a session that drops mid-transfer hangs up on us, and a message to a closed stderr is a SIGPIPE:
  # leave through the EXIT trap, never with the temporary file still there
  trap 'exit 1' HUP INT TERM PIPE
  gnh_receive_verified "$tmp" "$5"
  chown "$2:$3" "$tmp"
  chmod "$4" "$tmp"
  mv -f "$tmp" "$1"
  trap - EXIT HUP INT TERM PIPE
}
