#!/bin/sh
# $1 path, $2 owner, $3 group, $4 mode, $5 the content's sha256; content on stdin.
# install_file, gnh_receive_verified: remote/install-file.sh and remote/receive-verified.sh, put in front by the loader.
set -eu
install_file "$1" "$2" "$3" "$4" "$5"
