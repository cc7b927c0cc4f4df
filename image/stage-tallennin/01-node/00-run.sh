#!/bin/bash -e
# Host side: Node.js 20 (the pinned linux-arm64 tarball from nodejs.org, sha256-checked).
"${STAGE_DIR}/files/repo/image/rootfs/install-node.sh" "${ROOTFS_DIR}"
