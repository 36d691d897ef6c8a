#!/bin/sh
# gnh_receive_verified FILE SHA256: stdin into FILE, then its sha256 checked against what the sender
# computed. A transfer cut short (a dropped SSH session) or changed on the way leaves FILE removed,
# says so on stderr and exits 21; the caller's target is not touched.
gnh_receive_verified() {
  cat > "$1"
  got=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$got" != "$2" ]; then
    size=$(wc -c < "$1")
    # removed before the message: the sender may be gone, and writing to it may end us
    rm -f "$1"
    printf 'received %s bytes with sha256 %s, not the %s that was sent: the transfer was cut short or changed; nothing was replaced\n' "$size" "$got" "$2" >&2
    exit 21
  fi
}
