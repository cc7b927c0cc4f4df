#!/bin/bash -e
# Inside the root (pi-gen feeds this file to bash in the chroot on its stdin, so the script it
# runs gets /dev/null as its own stdin and cannot eat the rest of this one).
bash /usr/lib/tallennin/build/configure-system.sh </dev/null
