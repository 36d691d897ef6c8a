#!/bin/sh
# augenrules merges rules.d into audit.rules and runs auditctl -R on it: auditctl's own parse.
# Prints its messages, then "rc N", then the rules in force as "loaded RULE" lines.
augenrules --load 2>&1
rc=$?
printf '\nrc %s\n' "$rc"
auditctl -l 2>/dev/null | sed 's/^/loaded /'
