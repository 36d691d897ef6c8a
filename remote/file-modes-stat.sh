#!/bin/sh
# gnh_stat_paths: remote/stat-paths.sh, put in front by the loader.
gnh_stat_paths "$@"
