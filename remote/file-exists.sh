#!/bin/sh
# $1 = a path: exit 0 when it is a regular file.
test -f "$1"
