#!/bin/sh
# gnh_toolkit_config FILE: config.toml as the toolkit itself reads it. Where nvidia-ctk is installed,
# `nvidia-ctk config` loads FILE with the toolkit's own TOML parser and prints what it read (with
# the toolkit's defaults for a missing file); its exit status and errors are the toolkit's, so a
# file the toolkit refuses is refused here too. Without nvidia-ctk, the file as it is (nothing for
# a missing file: the toolkit's defaults apply, as nvidia-ctk would say).
gnh_toolkit_config() {
  if command -v nvidia-ctk > /dev/null 2>&1; then
    nvidia-ctk --quiet config --config-file "$1"
  elif [ -e "$1" ]; then
    cat "$1"
  fi
}
