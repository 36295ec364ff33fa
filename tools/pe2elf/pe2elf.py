#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""pe2elf.py - turn a Windows x64 driver (a PE32+ .sys) into an ELF64 x86-64
relocatable object that Kbuild links into a .ko, so that the kernel's module
loader maps the driver's code (W^X, kallsyms, modpost, module refcounts as for
any module) and ntwq never allocates executable memory.

    pe2elf.py --provided LIST [--provided LIST...] [--check] [-v] driver.sys -o driver.o

The conversion (docs/binary-drivers.md has the reasons):
  * each PE section becomes an ELF section with its own kind: code .text (AX),
    read-only data .rodata (A), data .data (WA), zero-fill .bss (WA, NOBITS);
    a section both writable and executable is refused.  .reloc, .pdata,
    .xdata, .edata and .rsrc are consumed or dropped, as are discardable data
    sections (debug info); a reference into a dropped section is an error;
  * every base relocation (IMAGE_REL_BASED_DIR64) becomes R_X86_64_64 against
    the target section's symbol, addend = the target's offset in its section;
  * the loader places the sections independently, so every RIP-relative
    operand and rel32 branch whose target is in another section (they carry no
    PE relocation: the linker resolved them) becomes R_X86_64_PC32; they are
    found by disassembling the code with capstone;
  * every import address table slot becomes R_X86_64_64 against an undefined
    symbol PREFIX<Name> (default ntwq_win_<Name>), bound by the kernel to
    ntwq's Windows-ABI entry point (or a wrapper's own); a name no LIST file
    provides is an error, and all of them are reported at once;
  * the entry point becomes the global symbol DriverEntry, each export a
    global symbol of its own name, each function named in the image's COFF
    symbol table (MinGW keeps one) a local symbol, for kallsyms and %ps.

--check relocates the output at a layout unlike the PE's, in Python, and
checks that every pointer, import slot, RIP-relative operand and branch still
reaches what it reached in the PE.  Needs Debian's python3-capstone.
The format is Microsoft's "PE Format" specification (learn.microsoft.com,
windows/win32/debug/pe-format); the ELF side is the System V gABI and the
x86-64 psABI.
"""
import argparse
import re
import struct
import sys

import capstone
from capstone import x86_const as X86

# PE section characteristics.
SCN_CNT_CODE = 0x00000020
SCN_UNINITIALIZED_DATA = 0x00000080
SCN_MEM_DISCARDABLE = 0x02000000
SCN_MEM_EXECUTE = 0x20000000
SCN_MEM_WRITE = 0x80000000
DIR_EXPORT, DIR_IMPORT, DIR_BASERELOC, DIR_TLS = 0, 1, 5, 9
REL_BASED_ABSOLUTE, REL_BASED_DIR64 = 0, 10
# Sections whose content the conversion consumes or Linux has no use for.
DROPPED = {'.reloc', '.pdata', '.xdata', '.edata', '.rsrc'}

# ELF.
SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_NOBITS = 1, 2, 3, 4, 8
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR, SHF_INFO_LINK = 0x1, 0x2, 0x4, 0x40
STB_LOCAL, STB_GLOBAL = 0, 1
STT_NOTYPE, STT_OBJECT, STT_FUNC, STT_SECTION = 0, 1, 2, 3
R_X86_64_64, R_X86_64_PC32 = 1, 2
KIND_FLAGS = {'text': SHF_ALLOC | SHF_EXECINSTR, 'rodata': SHF_ALLOC,
              'data': SHF_ALLOC | SHF_WRITE, 'bss': SHF_ALLOC | SHF_WRITE}

FPU_REG = re.compile(r'\b([xyz]mm\d+|mm\d|st\(\d\)|st\b)')


class ConversionError(Exception):
    """The image cannot be converted; args[0] is a list of reasons."""


class Section:
    """One PE section and what it becomes in the ELF object."""

    def __init__(self, name, rva, vsize, data, flags):
        self.name, self.rva, self.size, self.flags = name, rva, vsize, flags
        self.data = bytearray(data[:vsize].ljust(vsize, b'\0'))
        self.kind = self._kind()
        self.elf_name = None	# set when kept
        self.relocs = []	# (offset, type, symbol name or Section, addend)

    def _kind(self):
        if self.name in DROPPED or self.size == 0:
            return None
        if self.flags & (SCN_MEM_EXECUTE | SCN_CNT_CODE):
            return 'text'
        if self.flags & SCN_MEM_DISCARDABLE:
            return None	# debug information; INIT-style code is kept above
        if self.flags & SCN_UNINITIALIZED_DATA and not any(self.data):
            return 'bss'
        return 'data' if self.flags & SCN_MEM_WRITE else 'rodata'

    def contains(self, rva, end_ok=False):
        return self.rva <= rva < self.rva + self.size or (end_ok and rva == self.rva + self.size)

    def where(self, rva):
        return '%s+%#x' % (self.name, rva - self.rva)


class PeImage:
    """The parts of a PE32+ image the conversion reads."""

    def __init__(self, raw):
        self.raw = raw
        if raw[:2] != b'MZ':
            raise ConversionError(['not a PE image (no MZ header)'])
        pe = struct.unpack_from('<I', raw, 0x3c)[0]
        if raw[pe:pe + 4] != b'PE\0\0':
            raise ConversionError(['not a PE image (no PE signature)'])
        (machine, nsect, _, self.symtab_off, self.nsyms, opt_size,
         _) = struct.unpack_from('<HHIIIHH', raw, pe + 4)
        opt = pe + 24
        if machine != 0x8664 or struct.unpack_from('<H', raw, opt)[0] != 0x20b:
            raise ConversionError(['not a PE32+ x86-64 image'])
        self.entry = struct.unpack_from('<I', raw, opt + 16)[0]
        self.image_base = struct.unpack_from('<Q', raw, opt + 24)[0]
        self.alignment = struct.unpack_from('<I', raw, opt + 32)[0]
        ndirs = struct.unpack_from('<I', raw, opt + 108)[0]
        self.dirs = [struct.unpack_from('<II', raw, opt + 112 + 8 * i) for i in range(ndirs)]
        self.sections = []
        for i in range(nsect):
            off = opt + opt_size + 40 * i
            name = raw[off:off + 8].rstrip(b'\0').decode('latin-1')
            vsize, rva, rawsize, rawptr = struct.unpack_from('<IIII', raw, off + 8)
            flags = struct.unpack_from('<I', raw, off + 36)[0]
            if name.startswith('/'):	# a long name, in the COFF string table
                name = self._coff_string(int(name[1:]))
            self.sections.append(Section(name, rva, vsize or rawsize,
                                         raw[rawptr:rawptr + rawsize], flags))

    def _coff_string(self, offset):
        strtab = self.symtab_off + 18 * self.nsyms
        return self.raw[strtab + offset:self.raw.index(b'\0', strtab + offset)].decode()

    def directory(self, index):
        return self.dirs[index] if index < len(self.dirs) else (0, 0)

    def section_at(self, rva, end_ok=False):
        """The section holding rva.  With end_ok, the address just past a
        section's end counts too (a pointer past an array), unless it is
        another section's start."""
        for s in self.sections:
            if s.contains(rva):
                return s
        for s in self.sections:
            if end_ok and s.contains(rva, True):
                return s
        return None

    def read(self, rva, size):
        s = self.section_at(rva)
        if s is None or rva + size > s.rva + s.size:
            raise ConversionError(['RVA %#x (%d bytes) is outside every section' % (rva, size)])
        return bytes(s.data[rva - s.rva:rva - s.rva + size])

    def u16(self, rva):
        return struct.unpack('<H', self.read(rva, 2))[0]

    def u32(self, rva):
        return struct.unpack('<I', self.read(rva, 4))[0]

    def u64(self, rva):
        return struct.unpack('<Q', self.read(rva, 8))[0]

    def cstring(self, rva):
        s = self.section_at(rva)
        end = s.data.index(b'\0', rva - s.rva)
        return s.data[rva - s.rva:end].decode('latin-1')

    def base_relocs(self):
        """RVAs of the DIR64 base relocations; other types are errors."""
        rva, size = self.directory(DIR_BASERELOC)
        out, errors, pos = [], [], rva
        while pos < rva + size:
            page, block = self.u32(pos), self.u32(pos + 4)
            if block < 8:
                raise ConversionError(['malformed base relocation block at RVA %#x' % pos])
            for i in range((block - 8) // 2):
                entry = self.u16(pos + 8 + 2 * i)
                kind, where = entry >> 12, page + (entry & 0xfff)
                if kind == REL_BASED_DIR64:
                    out.append(where)
                elif kind != REL_BASED_ABSOLUTE:
                    errors.append('base relocation of type %d at RVA %#x: only DIR64 is '
                                  'possible in an x64 image' % (kind, where))
            pos += block
        return out, errors

    def imports(self):
        """(dll, name or None, ordinal, IAT slot RVA) for every import."""
        rva, size = self.directory(DIR_IMPORT)
        out, pos = [], rva
        while size and any(self.read(pos, 20)):
            lookup, _, _, name_rva, iat = struct.unpack('<IIIII', self.read(pos, 20))
            dll = self.cstring(name_rva)
            lookup = lookup or iat	# no lookup table: the IAT holds the names
            for i in range(1 << 16):
                entry = self.u64(lookup + 8 * i)
                if not entry:
                    break
                if entry >> 63:
                    out.append((dll, None, entry & 0xffff, iat + 8 * i))
                else:
                    out.append((dll, self.cstring((entry & 0x7fffffff) + 2), None, iat + 8 * i))
            pos += 20
        return out

    def exports(self):
        """{name: RVA}; a forwarded export is an error."""
        rva, size = self.directory(DIR_EXPORT)
        if not size:
            return {}, []
        base, nfuncs, nnames, funcs, names, ordinals = struct.unpack(
            '<IIIIII', self.read(rva + 16, 24))
        out, errors = {}, []
        for i in range(nnames):
            name = self.cstring(self.u32(names + 4 * i))
            target = self.u32(funcs + 4 * self.u16(ordinals + 2 * i))
            if rva <= target < rva + size:
                errors.append('export %s is forwarded to %s: not supported'
                              % (name, self.cstring(target)))
            else:
                out[name] = target
        return out, errors

    def functions(self):
        """[begin, end) RVA ranges of the functions .pdata describes."""
        rva, size = self.directory(3)
        return [struct.unpack('<II', self.read(rva + 12 * i, 8)) for i in range(size // 12)]

    def coff_functions(self):
        """{name: RVA} of the function symbols in the COFF symbol table."""
        out = {}
        i = 0
        while self.symtab_off and i < self.nsyms:
            ent = self.raw[self.symtab_off + 18 * i:self.symtab_off + 18 * i + 18]
            name, value, secno, typ, _, naux = struct.unpack('<8sIhHBB', ent)
            if name[:4] == b'\0\0\0\0':
                name = self._coff_string(struct.unpack_from('<I', name, 4)[0])
            else:
                name = name.rstrip(b'\0').decode('latin-1')
            if typ == 0x20 and 0 < secno <= len(self.sections):
                out[name] = self.sections[secno - 1].rva + value
            i += 1 + naux
        return out


class Converter:
    """Collects the ELF object's sections, relocations and symbols from a PE."""

    def __init__(self, pe, provided, prefix, entry_symbol):
        self.pe, self.prefix, self.errors = pe, prefix, []
        self.kept = [s for s in pe.sections if s.kind]
        self.globals = {}	# name -> (Section, offset, type)
        self.locals = {}
        self.insns = []		# (Section, rva, size, target rva) of cross-section refs
        self.fpu_insns = 0
        seen = {}
        for s in self.kept:
            # .text, .rdata, .data, .bss keep their ELF names; others get the
            # kind's name plus their own (.idata -> .data.idata, PAGE ->
            # .text.PAGE): never .init*/.exit*, which the module loader frees.
            s.elf_name = '.' + s.kind
            if s.name not in ('.text', '.rdata', '.data', '.bss'):
                s.elf_name += '.' + re.sub(r'[^A-Za-z0-9_]', '', s.name)
            seen[s.elf_name] = seen.get(s.elf_name, 0) + 1
            if seen[s.elf_name] > 1:
                s.elf_name += '.%d' % seen[s.elf_name]
            if s.flags & SCN_MEM_WRITE and s.kind == 'text':
                self.errors.append('section %s is writable and executable' % s.name)
        if pe.directory(DIR_TLS)[1]:
            self.errors.append('the image uses thread-local storage (a TLS directory)')
        self._base_relocs()
        self._imports(provided)
        self._code()
        self._symbols(entry_symbol)
        for s in self.kept:	# no byte patched twice (an IAT slot with a base relocation)
            fields = sorted((off, 8 if typ == R_X86_64_64 else 4) for off, typ, _, _ in s.relocs)
            for (a, width), (b, _) in zip(fields, fields[1:]):
                if a + width > b:
                    self.errors.append('relocations overlap at %s' % s.where(s.rva + b))

    def target(self, rva, why):
        """(Section, offset) of rva in a kept section, or None and an error."""
        s = self.pe.section_at(rva, end_ok=True)
        if s is None or not s.kind:
            where = 'the headers (__ImageBase: an RVA table?)' if 0 <= rva < self.pe.alignment \
                else ('dropped section ' + s.name if s else 'no section')
            self.errors.append('%s: target RVA %#x is in %s' % (why, rva, where))
            return None
        return s, rva - s.rva

    def _base_relocs(self):
        relocs, errors = self.pe.base_relocs()
        self.errors += errors
        self.dir64 = []
        for rva in relocs:
            src = self.pe.section_at(rva)
            if src is None or not src.kind or rva + 8 > src.rva + src.size:
                self.errors.append('base relocation at RVA %#x is not in a kept section' % rva)
                continue
            value = self.pe.u64(rva)
            tgt = self.target(value - self.pe.image_base, 'pointer at ' + src.where(rva))
            if tgt:
                off = rva - src.rva
                src.data[off:off + 8] = bytes(8)
                src.relocs.append((off, R_X86_64_64, tgt[0], tgt[1]))
                self.dir64.append((rva, value - self.pe.image_base))

    def _imports(self, provided):
        missing = []
        self.iat = []
        for dll, name, ordinal, slot in self.pe.imports():
            if name is None:
                missing.append('%s!#%d (by ordinal: cannot be bound by name)' % (dll, ordinal))
                continue
            if name not in provided or provided[name] not in (None, dll.lower()):
                missing.append('%s!%s' % (dll, name))
                continue
            src = self.pe.section_at(slot)
            if src is None or not src.kind:
                self.errors.append('import slot of %s is not in a kept section' % name)
                continue
            off = slot - src.rva
            src.data[off:off + 8] = bytes(8)
            src.relocs.append((off, R_X86_64_64, self.prefix + name, 0))
            self.iat.append((slot, self.prefix + name))
        if missing:
            self.errors.append('%d import(s) ntwq does not provide:\n    %s'
                               % (len(missing), '\n    '.join(missing)))

    def _ranges(self, s):
        """Instruction ranges of code section s: .pdata's functions, and the
        gaps between them (import thunks, leaf functions, padding) swept."""
        funcs = sorted((b, e) for b, e in self.pe.functions() if s.contains(b))
        out, pos = [], s.rva
        for b, e in funcs:
            if b < pos:
                self.errors.append('.pdata entries overlap at %s' % s.where(b))
                continue
            if b > pos:
                out.append((pos, b, False))
            out.append((b, e, True))
            pos = max(pos, e)
        out.append((pos, s.rva + s.size, False))
        return out

    def _code(self):
        md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
        md.detail = True
        for s in (s for s in self.kept if s.kind == 'text'):
            code = bytes(s.data)
            for begin, end, is_function in self._ranges(s):
                pos = begin
                while pos < end:
                    last = None
                    window = []
                    for insn in md.disasm(code[pos - s.rva:end - s.rva], pos):
                        self._instruction(s, insn, window)
                        window = (window + [insn])[-3:]
                        last = insn
                    pos = last.address + last.size if last else pos
                    if pos < end:	# bytes capstone cannot decode
                        if is_function:
                            self.errors.append('undecodable instruction at %s' % s.where(pos))
                            break
                        pos += 1	# data between functions: skip it

    def _instruction(self, s, insn, window):
        where = '%s (%s %s)' % (s.where(insn.address), insn.mnemonic, insn.op_str)
        if FPU_REG.search(insn.op_str):
            self.fpu_insns += 1
        for op in insn.operands:
            if op.type == X86.X86_OP_REG and op.reg == X86.X86_REG_CR8:
                self.errors.append('%s: CR8 is the IRQL on Windows and the APIC task priority '
                                   'on Linux (an inline KeGetCurrentIrql/KeRaiseIrql)' % where)
            if op.type == X86.X86_OP_MEM and op.mem.segment == X86.X86_REG_GS:
                self.errors.append('%s: a gs: access reads the Windows KPCR/KPRCB, which '
                                   'Linux does not have (an inline KeGetCurrentThread...)' % where)
        # GCC's PE switch dispatch: movsxd r, [table + index*4]; add r, table;
        # jmp r.  The table's entries are .text minus .rdata, fixed at link.
        if insn.id == X86.X86_INS_JMP and insn.operands[0].type == X86.X86_OP_REG and any(
                w.id == X86.X86_INS_MOVSXD and w.operands[1].type == X86.X86_OP_MEM and
                w.operands[1].mem.scale == 4 for w in window):
            self.errors.append('%s: a switch table of label differences (.text minus '
                               '.rdata); rebuild with -fno-jump-tables' % where)
        if insn.disp_size and any(op.type == X86.X86_OP_MEM and op.mem.base == X86.X86_REG_RIP
                                  for op in insn.operands):
            self._relative(s, insn, insn.address + insn.size + insn.disp,
                           insn.disp_offset, insn.disp_size, where)
        elif X86.X86_GRP_BRANCH_RELATIVE in insn.groups:
            self._relative(s, insn, insn.operands[0].imm, insn.imm_offset, insn.imm_size, where)

    def _relative(self, s, insn, target, field, size, where):
        """A RIP-relative field; a reference outside its own section gets
        R_X86_64_PC32: S + A - P = target with P the field's address, so
        A = target offset - (bytes from the field to the instruction's end)."""
        if s.contains(target):
            return
        tgt = self.target(target, where)
        if tgt is None:
            return
        if size != 4:
            self.errors.append('%s: %d-byte relative reference to %s cannot be relocated'
                               % (where, size, tgt[0].name))
            return
        off = insn.address - s.rva + field
        s.data[off:off + 4] = bytes(4)
        s.relocs.append((off, R_X86_64_PC32, tgt[0], tgt[1] - (insn.size - field)))
        self.insns.append((s, insn.address, insn.size, target))

    def _symbols(self, entry_symbol):
        exports, errors = self.pe.exports()
        self.errors += errors
        for name, rva in [(entry_symbol, self.pe.entry)] + sorted(exports.items()):
            tgt = self.target(rva, 'symbol ' + name)
            if not tgt:
                continue
            if name in self.globals and self.globals[name][:2] != tgt:
                self.errors.append('symbol %s is both the entry point and an export' % name)
            if name.startswith(self.prefix):
                self.errors.append('export %s has the import prefix %s' % (name, self.prefix))
            self.globals[name] = tgt + (STT_FUNC if tgt[0].kind == 'text' else STT_OBJECT,)
        for name, rva in self.pe.coff_functions().items():
            s = self.pe.section_at(rva)
            if s and s.kind == 'text' and name not in self.globals:
                self.locals[name] = (s, rva - s.rva, STT_FUNC)
        # Sizes: a function's from .pdata, else up to the next symbol or
        # function (objtool ignores a function of size 0 and then takes a
        # call to it for a call inside its caller); 0 for data.
        ends = dict(self.pe.functions())
        named = list(self.globals.items()) + list(self.locals.items())
        starts = sorted({s.rva + off for _, (s, off, _) in named} | set(ends))
        self.sizes = {}
        for name, (s, off, typ) in named:
            rva = s.rva + off
            following = [x for x in starts if x > rva] + [s.rva + s.size]
            self.sizes[name] = (ends.get(rva, min(following)) - rva) if typ == STT_FUNC else 0


def write_elf(conv, path):
    """Write the ELF64 ET_REL object: the kept sections, a .rela section for
    each that has relocations, the symbol table, .note.GNU-stack."""
    shstr, strtab = bytearray(b'\0'), bytearray(b'\0')

    def name_in(table, name):
        table += name.encode() + b'\0'
        return len(table) - len(name) - 1

    sects = [None]	# (name, type, flags, data or size, link, info, align, entsize)
    index = {}
    for s in conv.kept:
        index[id(s)] = len(sects)
        sects.append((s.elf_name, SHT_NOBITS if s.kind == 'bss' else SHT_PROGBITS,
                      KIND_FLAGS[s.kind], s.size if s.kind == 'bss' else bytes(s.data),
                      0, 0, min(conv.pe.alignment, 4096), 0))
    # Symbols: null, one per section, the local functions, then the globals.
    syms = [(0, 0, 0, 0, 0)]	# (name offset, info, shndx, value, size)
    symidx = {}
    for s in conv.kept:
        symidx[id(s)] = len(syms)
        syms.append((0, STT_SECTION, index[id(s)], 0, 0))
    for name, (s, off, typ) in sorted(conv.locals.items()):
        syms.append((name_in(strtab, name), (STB_LOCAL << 4) | typ, index[id(s)], off,
                     conv.sizes[name]))
    first_global = len(syms)
    for name, (s, off, typ) in sorted(conv.globals.items()):
        syms.append((name_in(strtab, name), (STB_GLOBAL << 4) | typ, index[id(s)], off,
                     conv.sizes[name]))
    for name in sorted({r[2] for s in conv.kept for r in s.relocs if isinstance(r[2], str)}):
        symidx[name] = len(syms)
        syms.append((name_in(strtab, name), (STB_GLOBAL << 4) | STT_NOTYPE, 0, 0, 0))
    symtab_index = len(sects) + sum(1 for s in conv.kept if s.relocs)
    for s in (s for s in conv.kept if s.relocs):
        rela = b''.join(struct.pack('<QQq', off, (symidx[sym if isinstance(sym, str) else id(sym)]
                                                 << 32) | typ, addend)
                        for off, typ, sym, addend in sorted(s.relocs, key=lambda r: r[0]))
        sects.append(('.rela' + s.elf_name, SHT_RELA, SHF_INFO_LINK, rela,
                      symtab_index, index[id(s)], 8, 24))
    symtab = b''.join(struct.pack('<IBBHQQ', n, info, 0, shndx, value, size)
                      for n, info, shndx, value, size in syms)
    sects.append(('.symtab', SHT_SYMTAB, 0, symtab, len(sects) + 1, first_global, 8, 24))
    sects.append(('.strtab', SHT_STRTAB, 0, bytes(strtab), 0, 0, 1, 0))
    sects.append(('.note.GNU-stack', SHT_PROGBITS, 0, b'', 0, 0, 1, 0))
    sects.append(('.shstrtab', SHT_STRTAB, 0, None, 0, 0, 1, 0))

    body, headers = bytearray(), [bytes(64)]
    for name, typ, flags, data, link, info, align, entsize in sects[1:]:
        name_off = name_in(shstr, name)
        if data is None:	# .shstrtab, complete now that every name is in
            data = bytes(shstr)
        while (64 + len(body)) % min(align, 16):
            body.append(0)
        offset = 64 + len(body)
        size = data if typ == SHT_NOBITS else len(data)
        if typ != SHT_NOBITS:
            body += data
        headers.append(struct.pack('<IIQQQQIIQQ', name_off, typ, flags, 0, offset, size,
                                   link, info, align, entsize))
    while len(body) % 8:
        body.append(0)
    shoff = 64 + len(body)
    ehdr = struct.pack('<4sBBBBB7sHHIQQQIHHHHHH', b'\x7fELF', 2, 1, 1, 0, 0, bytes(7),
                       1, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64, len(sects), len(sects) - 1)
    with open(path, 'wb') as f:
        f.write(ehdr + body + b''.join(headers))


def check(conv):
    """Relocate the output in memory at a layout unlike the PE's (sections in
    reverse order, far apart) and check that every pointer, import slot and
    cross-section instruction reaches the same place it reached in the PE."""
    addr, base = {}, 0x7f0000000
    for s in reversed(conv.kept):
        addr[id(s)] = base
        base += (s.size + 0x123457) & ~0xfff
    symbols = {}
    image = {id(s): bytearray(s.data) for s in conv.kept}
    for s in conv.kept:
        for off, typ, sym, addend in s.relocs:
            S = symbols.setdefault(sym, 0x100000 + 16 * len(symbols)) if isinstance(sym, str) \
                else addr[id(sym)]
            if typ == R_X86_64_64:
                struct.pack_into('<Q', image[id(s)], off, S + addend)
            else:
                struct.pack_into('<i', image[id(s)], off, S + addend - (addr[id(s)] + off))

    def new(rva):
        s = conv.pe.section_at(rva, end_ok=True)
        return addr[id(s)] + rva - s.rva

    def at(rva, size):
        s = conv.pe.section_at(rva)
        return bytes(image[id(s)][rva - s.rva:rva - s.rva + size])

    bad = []
    for rva, target in conv.dir64:
        if struct.unpack('<Q', at(rva, 8))[0] != new(target):
            bad.append('pointer at RVA %#x' % rva)
    for slot, name in conv.iat:
        if struct.unpack('<Q', at(slot, 8))[0] != symbols[name]:
            bad.append('import slot of %s' % name)
    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    md.detail = True
    for s, rva, size, target in conv.insns:
        insn = next(md.disasm(at(rva, size), new(rva)))
        got = insn.address + insn.size + insn.disp if insn.disp_size and any(
            op.type == X86.X86_OP_MEM and op.mem.base == X86.X86_REG_RIP
            for op in insn.operands) else insn.operands[0].imm
        if got != new(target):
            bad.append('%s (%s %s)' % (s.where(rva), insn.mnemonic, insn.op_str))
    if bad:
        raise ConversionError(['--check: wrong after relocation: ' + b for b in bad])
    return len(conv.dir64), len(conv.iat), len(conv.insns)


def read_provided(path):
    """The list of names ntwq provides, one a line: 'Name' (from any module)
    or 'module Name [flags...]' (tools/winabi/ntwq-windows.list's format;
    the flags are for the wrapper generator)."""
    out = {}
    with open(path) as f:
        for line in f:
            words = line.split('#', 1)[0].split()
            if len(words) == 1:
                out[words[0]] = None
            elif words:
                out[words[1]] = words[0].lower()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('input', help='the PE32+ driver (.sys)')
    ap.add_argument('-o', '--output', help='the ELF object to write')
    ap.add_argument('--provided', required=True, action='append',
                    help="file of the Windows names provided ('Name' or 'module Name'): "
                    "ntwq's list, and again for each list of a wrapper's own")
    ap.add_argument('--import-prefix', default='ntwq_win_')
    ap.add_argument('--entry-symbol', default='DriverEntry')
    ap.add_argument('--check', action='store_true',
                    help='relocate the result at another layout and check every reference')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    try:
        with open(args.input, 'rb') as f:
            pe = PeImage(f.read())
        provided = {}
        for path in args.provided:
            provided.update(read_provided(path))
        conv = Converter(pe, provided, args.import_prefix, args.entry_symbol)
        if conv.errors:
            raise ConversionError(conv.errors)
        if args.output:
            write_elf(conv, args.output)
        summary = ('%s: %d sections, %d pointers, %d imports, %d cross-section references, '
                   '%d symbols' % (args.input, len(conv.kept), len(conv.dir64), len(conv.iat),
                                   len(conv.insns), len(conv.globals) + len(conv.locals)))
        if args.check:
            check(conv)
            summary += '; --check passed'
        if conv.fpu_insns:
            summary += '; %d instructions use FPU/SSE registers' % conv.fpu_insns
        if args.verbose or args.check:
            print(summary)
            for s in conv.kept:
                print('  %-8s -> %-14s %-6s %#7x bytes, %d relocations'
                      % (s.name, s.elf_name, s.kind, s.size, len(s.relocs)))
    except ConversionError as e:
        for msg in e.args[0]:
            print('pe2elf: %s: error: %s' % (args.input, msg), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
