# SPDX-License-Identifier: GPL-2.0
#
#   make                 build the modules for KDIR (default: the running
#                        kernel's build tree, else the newest installed headers)
#   make KDIR=<path>     build against any kernel build tree
#   make run             boot stock Debian 6.12 in QEMU, load ntwq and the sample
#   make test            build for six kernels (5.10 to the newest), run every test in QEMU
#   make bench           benchmark against native queue_work() (stock 6.12,
#                        -smp 2 and 4); results under results/
#   make lockstat        lock contention per ntwq lock at -smp 8 (debug kernel
#                        with CONFIG_LOCK_STAT); results under results/
#   make stress          the stress with load/unload churn (debug kernel and
#                        stock 6.12, -smp 4); see scripts/stress.sh
#   make install         install ntwq and the sample for KDIR's kernel, and
#                        the headers and Module.symvers for drivers built
#                        against ntwq (DESTDIR=, prefix=; see README.md)
#   make deb             the Debian package ntwq-dkms (into build/deb)
#   make docs            regenerate docs/api.md from the kernel-doc comments
#   make check           sparse and checkpatch on the C parts
#   make clean           remove build outputs (the kernel cache stays)
#
# Kbuild does the real work (see Kbuild and scripts/Kbuild.cxx).

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /lib/modules/*/build))))

.PHONY: all modules clean run test bench lockstat stress userspace-test install deb docs check

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel build tree: install linux-headers or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/shims/ndis KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/samples/ndis \
		KBUILD_EXTRA_SYMBOLS="$(CURDIR)/Module.symvers $(CURDIR)/shims/ndis/Module.symvers" modules

userspace-test: build/userspace-test

build/userspace-test: userspace-test/userspace-test.c module/selftest/expect.h \
		shims/ndis/test/ndis_expect.h windrivers/wdmtest/wdmtest.h
	@mkdir -p build
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

run:
	scripts/run.sh

test:
	scripts/test.sh

bench:
	scripts/bench.sh

lockstat:
	scripts/lockstat.sh

stress:
	scripts/stress.sh

# make install: modules_install (unsigned: a distribution's headers have no
# signing key; the Debian package's DKMS signs with its MOK key) puts ntwq.ko and the sample under
# /lib/modules/<kernel>/updates; drivers built against ntwq find its headers
# in $(NTWQ_DEVDIR)/include and this kernel's symbols in
# $(NTWQ_DEVDIR)/<kernel>/Module.symvers.  (The Debian package uses
# /usr/src/ntwq-<version>/include and /var/lib/dkms instead.)
VERSION := $(strip $(file <VERSION))
prefix ?= /usr/local
NTWQ_DEVDIR ?= $(prefix)/src/ntwq-$(VERSION)

install:
	@test -n "$(KDIR)" || { echo "no kernel build tree: install linux-headers or pass KDIR=" >&2; exit 1; }
	@test -n "$(VERSION)" || { echo "VERSION is missing or empty: ntwq's version comes from it" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) NTWQ_PACKAGE=1 modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) NTWQ_PACKAGE=1 INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= modules_install
	install -d $(DESTDIR)$(NTWQ_DEVDIR)/include/ntwq
	install -m 0644 include/ntwq/*.h $(DESTDIR)$(NTWQ_DEVDIR)/include/ntwq/
	@# The kernel release the modules were built for, as modprobe sees it.
	kver=$$(modinfo -F vermagic ntwq.ko | cut -d' ' -f1) && \
	install -D -m 0644 Module.symvers $(DESTDIR)$(NTWQ_DEVDIR)/$$kver/Module.symvers && \
	if [ -z "$(DESTDIR)" ]; then depmod -a $$kver; fi

deb:
	scripts/make-deb.sh

docs:
	scripts/docs.sh

check:
	scripts/check.sh

clean:
	@if [ -n "$(KDIR)" ] && [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; \
		$(MAKE) -C $(KDIR) M=$(CURDIR)/shims/ndis clean; \
		$(MAKE) -C $(KDIR) M=$(CURDIR)/samples/ndis clean; \
		$(MAKE) -C $(KDIR) M=$(CURDIR)/windrivers/wdmtest clean; \
	fi
	rm -rf build generated
