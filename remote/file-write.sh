#!/bin/sh
# $1 path, $2 owner, $3 group, $4 mode; content on stdin.
# install_file: remote/install-file.sh, put in front of this script by the loader.
set -eu
install_file "$1" "$2" "$3" "$4"
