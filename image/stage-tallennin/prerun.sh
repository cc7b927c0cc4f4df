#!/bin/bash -e
# pi-gen: the tallennin stage starts from stage2's root (Raspberry Pi OS Lite). copy_previous is
# pi-gen's (scripts/common): it copies the previous stage's rootfs into this stage's.
if [ ! -d "${ROOTFS_DIR}" ]; then
	copy_previous
fi
