#!/bin/sh
# gnh_dockerd_argv: the running dockerd's own argv, one argument a line (exit 3 when it does not run).
# gnh_docker_units: the unit files docker.service is made of: the fragment, then its drop-ins.
# Shared by the audit's probe and the daemon resource's probe, which judge them with one rule.
gnh_dockerd_argv() {
  pid=$(pidof -s dockerd 2>/dev/null || pgrep -o -x dockerd) || return 3
  tr '\000' '\n' < "/proc/$pid/cmdline"
}
gnh_docker_units() {
  systemctl show -p FragmentPath -p DropInPaths --value docker.service 2>/dev/null
}
