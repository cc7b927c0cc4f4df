#!/bin/bash -e
# Host side: the app release image/build.sh packed (files/tallennin-release.tar.gz), unpacked as
# the image's own release.
"${STAGE_DIR}/files/repo/image/rootfs/install-app.sh" "${ROOTFS_DIR}" "${STAGE_DIR}/files/tallennin-release.tar.gz"
