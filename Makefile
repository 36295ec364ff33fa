# SPDX-License-Identifier: GPL-2.0
#
#   make                 build the modules for KDIR (default: the running
#                        kernel's build tree, else the newest installed headers)
#   make KDIR=<path>     build against any kernel build tree
#   make run             boot stock Debian 6.12 in QEMU, load ntwq and the sample
#   make test            build for three kernels, run every test in QEMU
#   make bench           benchmark against native queue_work() (stock 6.12,
#                        -smp 2 and 4); results under results/
#   make clean           remove build outputs (the kernel cache stays)
#
# Kbuild does the real work (see Kbuild and scripts/Kbuild.cxx).

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /lib/modules/*/build))))

.PHONY: all modules clean run test bench userspace-test

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel build tree: install linux-headers or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/shims/ndis KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/samples/ndis \
		KBUILD_EXTRA_SYMBOLS="$(CURDIR)/Module.symvers $(CURDIR)/shims/ndis/Module.symvers" modules

userspace-test: build/userspace-test

build/userspace-test: userspace-test/userspace-test.c module/selftest/expect.h \
		shims/ndis/test/ndis_expect.h
	@mkdir -p build
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

run:
	scripts/run.sh

test:
	scripts/test.sh

bench:
	scripts/bench.sh

clean:
	@if [ -n "$(KDIR)" ] && [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; \
		$(MAKE) -C $(KDIR) M=$(CURDIR)/shims/ndis clean; \
		$(MAKE) -C $(KDIR) M=$(CURDIR)/samples/ndis clean; \
	fi
	rm -rf build generated
