#!/bin/sh
docker info --format '{{json .}}'
