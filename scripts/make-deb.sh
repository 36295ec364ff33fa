#!/usr/bin/env bash
# make-deb.sh - what `make deb` runs: build ntwq-dkms_<version>_all.deb.
#
# The package is built out of the tree: the files git tracks (or would track)
# are copied to build/deb/ntwq-<version>/, debian/changelog is written there
# from VERSION (the one place the version lives), and dpkg-buildpackage runs
# in that copy, so its outputs (.deb, .buildinfo, .changes) land in build/deb/
# and nothing is written into the clone.  Prints the .deb's path.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_pkgs "${NTWQ_DEB_PKGS[@]}"
version=$(cat "$NTWQ_ROOT/VERSION")
out="$NTWQ_BUILD/deb"
stage="$out/ntwq-$version"
rm -rf "$out"
mkdir -p "$stage"

files=(Kbuild Makefile VERSION README.md dkms.conf debian docs include module samples scripts)
if git -C "$NTWQ_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$NTWQ_ROOT" && git ls-files -z -c -o --exclude-standard -- "${files[@]}" |
		tar --null -T - -cf -) | tar -C "$stage" -xf -
	# A reproducible date: the last commit's.
	date=$(git -C "$NTWQ_ROOT" log -1 --format=%ct 2>/dev/null || date +%s)
else
	(cd "$NTWQ_ROOT" && tar -cf - --exclude=build "${files[@]}") | tar -C "$stage" -xf -
	date=$(date +%s)
fi

cat >"$stage/debian/changelog" <<EOT
ntwq ($version) unstable; urgency=medium

  * ntwq $version (see README.md).

 -- The ntwq maintainers <maintainers@users.noreply.b-seed-08d4f7d4.example>  $(date -u -R -d "@$date")
EOT

log="$out/dpkg-buildpackage.log"
if ! (cd "$stage" && SOURCE_DATE_EPOCH=$date dpkg-buildpackage -b -us -uc) >"$log" 2>&1; then
	tail -30 "$log" >&2
	die "dpkg-buildpackage failed (log: $log)"
fi
deb="$out/ntwq-dkms_${version}_all.deb"
[ -f "$deb" ] || die "dpkg-buildpackage made no $deb"
echo "$deb"
