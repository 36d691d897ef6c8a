#!/bin/sh
# $1 = the rules file: drop what a successful write kept for a rollback.
rm -f "$1.gnh-bak" "$1.gnh-absent"
