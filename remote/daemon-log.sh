#!/bin/sh
# The last lines Docker logged, for the message of a failed restart.
journalctl -u docker.service -n 15 --no-pager -o cat 2>/dev/null | tail -n 15
