#!/usr/bin/env bash
# initramfs.sh KVER MODDIR OUT: make a gzip'd cpio for one kernel.
#
# busybox-static for the shell and tools, the kmod tools (with the shared
# libraries they need) for modprobe/modinfo, the modules from MODDIR (and
# its shims/ndis, samples/ndis and windrivers/*) in
# /lib/modules/KVER/extra indexed by depmod, userspace-test, and
# scripts/guest-init.sh as /init (with scripts/guest-stress.sh as /stress.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kver=$1 moddir=$2 out=$3
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,lib/modules/"$kver"/extra}
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
	case $applet in
	modprobe | insmod | rmmod | lsmod | modinfo | depmod | busybox) ;;
	*) ln -sf busybox "$root/bin/$applet" ;;
	esac
done

# kmod and the libraries it links.
kmod=$(command -v kmod)
cp "$kmod" "$root/usr/bin/kmod"
for lib in $(ldd "$kmod" | grep -oE '/[^ ]+\.so[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
for tool in modprobe insmod rmmod lsmod modinfo depmod; do
	ln -sf ../usr/bin/kmod "$root/sbin/$tool"
done

cp "$moddir"/*.ko "$moddir"/shims/ndis/*.ko "$moddir"/windrivers/*/*.ko \
	"$root/lib/modules/$kver/extra/"
# The NDIS sample needs networking, which the debug kernel lacks.
for ko in "$moddir"/samples/ndis/*.ko; do
	[ -e "$ko" ] && cp "$ko" "$root/lib/modules/$kver/extra/"
done
: >"$root/lib/modules/$kver/modules.order"
: >"$root/lib/modules/$kver/modules.builtin"
: >"$root/lib/modules/$kver/modules.builtin.modinfo"
depmod -b "$root" "$kver"

cp "$NTWQ_BUILD/userspace-test" "$root/bin/userspace-test"
cp "$NTWQ_ROOT/scripts/guest-init.sh" "$root/init"
cp "$NTWQ_ROOT/scripts/guest-stress.sh" "$root/stress.sh"
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
