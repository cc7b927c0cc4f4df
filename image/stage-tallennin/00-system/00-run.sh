#!/bin/bash -e
# Host side (pi-gen runs it with ROOTFS_DIR set): the system files, from the copy of the repo's
# parts that image/build.sh put in files/repo/. FIRST_USER_NAME is pi-gen's (the technician).
TALLENNIN_TECH_USER="${FIRST_USER_NAME}" "${STAGE_DIR}/files/repo/image/rootfs/install-system.sh" "${ROOTFS_DIR}"
