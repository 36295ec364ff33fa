# SPDX-License-Identifier: GPL-2.0
#
# Kernel C++ for Kbuild.  Included by ../Kbuild, which sets cxx-objs.
#
# Flags: the kernel's own C flags for this object ($(_c_flags): KBUILD_CFLAGS
# with every code-generation and mitigation option, plus the sanitizer flags
# of KASAN and friends, so C++ is instrumented exactly as C is), minus the
# options that only mean something to a C compiler, plus the C++ dialect.
# Debug info is left out of C++ objects: pahole cannot encode C++ DWARF as
# BTF, and the 6.12 module build runs pahole over the whole .ko.  C objects
# keep theirs, so the module's BTF is complete for its C side.

# The C++ compiler that matches the kernel's C compiler (gcc-12 -> g++-12).
NTWQ_CXX ?= $(subst gcc,g++,$(CC))

cxx-c-only-flags := -std=gnu11 -std=gnu89 -Wno-pointer-sign \
	-Wstrict-prototypes -Werror=strict-prototypes \
	-Werror=implicit-function-declaration -Werror=implicit-int \
	-Werror=incompatible-pointer-types -Werror=designated-init \
	-Wmissing-prototypes -Wno-override-init -Wold-style-definition \
	-Wdeclaration-after-statement -Wno-declaration-after-statement \
	-Werror=return-type -Wno-enum-int-mismatch -Wmissing-parameter-type \
	-Wenum-conversion -Werror=int-conversion -Wno-format-overflow-non-kprintf \
	-Wno-format-truncation-non-kprintf

cxx-dialect-flags := -std=gnu++17 -fno-exceptions -fno-rtti \
	-fno-threadsafe-statics -fno-use-cxa-atexit -nostdinc++ -ffreestanding \
	-fcheck-new -Wno-missing-field-initializers -Werror=return-type -g0

# KASAN instruments global variables through a constructor that registers
# them; only kernels with CONFIG_CONSTRUCTORS (KASAN ones) would run it, so
# C++ objects go without it and stay constructor-free on every kernel.  Heap
# and stack accesses are still checked.
cxx-kasan-flags := $(if $(CONFIG_KASAN),--param asan-globals=0)

cxx_flags = -Wp,-MMD,$(depfile) $(NOSTDINC_FLAGS) \
	$(filter-out $(cxx-c-only-flags) -g -g%, $(_c_flags)) \
	$(modkern_cflags) $(basename_flags) $(modname_flags) \
	$(cxx-dialect-flags) $(cxx-kasan-flags)

quiet_cmd_cxx_o_cpp = CXX $(quiet_modtag) $@
      cmd_cxx_o_cpp = $(NTWQ_CXX) $(cxx_flags) -c -o $@ $< \
			$(if $(ntwq-objtool-inline),$(cmd_objtool))

# Constructors never run in a module and C++ runtime symbols do not exist in
# the kernel: refuse objects that would need either.
quiet_cmd_cxx_check = CXXCHK  $@
      cmd_cxx_check = $(CONFIG_SHELL) $(src)/scripts/check-cxx-object.sh \
			"$(READELF)" "$(NM)" $@

define rule_cxx_o_cpp
	$(call cmd_and_fixdep,cxx_o_cpp)
	$(call cmd,cxx_check)
	$(if $(ntwq-objtool-inline),,$(call cmd,objtool))
	$(call cmd,gen_objtooldep)
	$(call cmd,record_mcount)
endef

$(obj)/%.o: $(src)/%.cpp $(src)/scripts/check-cxx-object.sh FORCE
	$(call if_changed_rule,cxx_o_cpp)

# Sizes of kernel structures for the C++ side, generated like asm-offsets.
$(obj)/generated/ntwq_layout.h: $(obj)/module/bridge/layout.s FORCE
	$(call filechk,offsets,__NTWQ_LAYOUT_H__)

targets += module/bridge/layout.s
$(addprefix $(obj)/,$(cxx-objs) module/bridge/layout_check.o): $(obj)/generated/ntwq_layout.h
