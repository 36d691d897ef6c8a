#!/bin/sh
# The engine's version ("26.1.5+dfsg1"); nothing on stdout when no daemon answers.
docker version --format '{{.Server.Version}}'
