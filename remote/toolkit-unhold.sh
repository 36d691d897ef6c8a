#!/bin/sh
# The package names: release the holds (destroy leaves the packages installed).
apt-mark unhold "$@" >/dev/null
