#!/bin/sh
# dkms-post-build.sh DIR: DKMS's POST_BUILD step (see dkms.conf).
#
# Runs in DKMS's build directory right after a build, before the next
# kernel's build cleans it: keeps this kernel's Module.symvers in DIR
# (/var/lib/dkms/ntwq/<version>/<kernel>/<arch>), where a driver built
# against ntwq points KBUILD_EXTRA_SYMBOLS.  `dkms remove` deletes DIR.
set -eu
install -m 0644 Module.symvers "$1/Module.symvers"
