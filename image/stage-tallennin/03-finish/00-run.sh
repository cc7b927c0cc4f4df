#!/bin/bash -e
# Host side: the box release (the image's release with its arm64 node_modules) goes to deploy/
# next to the image, for tallennin-update on boxes; the build scripts leave the root.
release=$(find "${ROOTFS_DIR}/usr/lib/tallennin/releases" -mindepth 1 -maxdepth 1 -type d)
[ "$(printf '%s\n' "${release}" | wc -l)" = 1 ] || { echo "03-finish: expected one release in the image, found: ${release}" >&2; exit 1; }
mkdir -p "${DEPLOY_DIR}"
"${STAGE_DIR}/files/repo/image/pack-release.sh" --from-dir "${release}" --out "${DEPLOY_DIR}"
rm -rf "${ROOTFS_DIR}/usr/lib/tallennin/build"
