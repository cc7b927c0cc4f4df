#!/bin/bash -e
# Inside the root: npm ci --omit=dev, so the native modules are built for the box (arm64).
bash /usr/lib/tallennin/build/build-app.sh </dev/null
