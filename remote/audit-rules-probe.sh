#!/bin/sh
# $1 path spec, $2 rules file. Read-only.
set -u

gnh_audit_paths "$1" | sed 's/^/path /'
printf 'auditd %s\n' "$(systemctl is-active auditd 2>/dev/null || true)"
printf 'augenrules %s\n' "$(command -v augenrules 2>/dev/null || true)"
if [ -f "$2" ]; then printf 'file %s %s\n' "$(sha256sum < "$2" | cut -d' ' -f1)" "$(stat -c '%U %G %a' "$2")"; else echo 'file absent'; fi
if command -v auditctl >/dev/null 2>&1 && systemctl is-active --quiet auditd 2>/dev/null; then
  auditctl -l 2>/dev/null | sed 's/^/loaded /'
  auditctl -s 2>/dev/null | awk '$1 == "enabled" { print "enabled " $2 }'
fi
