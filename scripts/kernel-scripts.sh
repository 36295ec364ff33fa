#!/usr/bin/env bash
# kernel-scripts.sh: print a directory holding the kernel's own checkers,
# scripts/kernel-doc and scripts/checkpatch.pl (with the spelling and const
# structs lists checkpatch reads next to it), from Debian's linux-source-6.12.
#
# Only those files are unpacked, once, into the cache under the source
# package's version, so every machine checks with the same versions.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_pkgs linux-source-6.12 xz-utils perl
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
dir="$NTWQ_CACHE/kernel-scripts/$ver"
files=(kernel-doc checkpatch.pl spelling.txt const_structs.checkpatch)
if [ ! -f "$dir/.complete" ]; then
	say "unpacking kernel-doc and checkpatch from linux-source-6.12 $ver"
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -C "$dir" -xJf /usr/src/linux-source-6.12.tar.xz --strip-components=1 \
		"${files[@]/#/linux-source-6.12/scripts/}" ||
		die "cannot unpack ${files[*]} from /usr/src/linux-source-6.12.tar.xz"
	touch "$dir/.complete"
fi
echo "$dir/scripts"
