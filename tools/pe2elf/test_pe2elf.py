#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Host tests of pe2elf.py: build windrivers/wdmtest with MinGW-w64, convert it,
check the object with binutils (GNU objdump's disassembly of the PE, not
capstone's, is the reference for the cross-section references), link it into
a userspace program that runs the driver (host_run.c), and check that broken
drivers and missing imports are refused.

    /usr/bin/python3 tools/pe2elf/test_pe2elf.py -v

Needs gcc-mingw-w64-x86-64, python3-capstone (Debian's /usr/bin/python3),
binutils and gcc.  Runs nothing in a kernel.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WDMTEST = os.path.join(ROOT, 'windrivers', 'wdmtest')
PE2ELF = os.path.join(HERE, 'pe2elf.py')
MINGW = 'x86_64-w64-mingw32-'


def run(*cmd, check=True, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check and p.returncode:
        raise AssertionError('%s failed (%d):\n%s%s' % (' '.join(cmd), p.returncode,
                                                       p.stdout, p.stderr))
    return p


def def_names(path):
    """The EXPORTS of a .def file: what the driver's import library offers."""
    with open(path) as f:
        text = f.read().split('EXPORTS', 1)[1]
    return [line.split()[0] for line in text.splitlines() if line.strip()
            and not line.strip().startswith(';')]


def pe_sections(sys_path):
    """{name: (vma, size)} of the PE's sections (objdump -h)."""
    out = {}
    for m in re.finditer(r'^\s*\d+\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s',
                         run(MINGW + 'objdump', '-h', sys_path).stdout, re.M):
        out[m.group(1)] = (int(m.group(3), 16), int(m.group(2), 16))
    return out


def pe_instructions(sys_path):
    """[(address, length, target or None)] of the PE's .text by GNU objdump:
    the target of a RIP-relative operand or of a direct branch."""
    insns = []
    for line in run(MINGW + 'objdump', '-d', '-j', '.text', '-w', sys_path).stdout.splitlines():
        parts = line.split('\t')
        m = re.match(r'\s+([0-9a-f]+):$', parts[0])
        if not m or len(parts) < 3:
            continue
        addr, nbytes, text = int(m.group(1), 16), len(parts[1].split()), parts[2]
        target = None
        if '(%rip)' in text:
            target = int(re.search(r'# ([0-9a-f]+)', text).group(1), 16)
        else:
            b = re.match(r'(call|jmp|j[a-z]+|loop[a-z]*)\s+([0-9a-f]+) <', text)
            if b:
                target = int(b.group(2), 16)
        insns.append((addr, nbytes, target))
    return insns


def elf_relocs(obj):
    """{section: [(offset, type, symbol, addend)]} from readelf -rW."""
    out, cur = {}, None
    for line in run('readelf', '-rW', obj).stdout.splitlines():
        m = re.match(r"Relocation section '\.rela(\S+)'", line)
        if m:
            cur = out.setdefault(m.group(1), [])
            continue
        m = re.match(r'([0-9a-f]{12,})\s+[0-9a-f]+\s+(R_X86_64_\w+)\s+[0-9a-f]+\s+(\S+)'
                     r'\s*([+-])\s*([0-9a-f]+)', line)
        if m and cur is not None:
            addend = int(m.group(5), 16) * (1 if m.group(4) == '+' else -1)
            cur.append((int(m.group(1), 16), m.group(2), m.group(3), addend))
    return out


class Pe2Elf(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='pe2elf-test-')
        run('make', '-s', '-C', WDMTEST, 'O=' + cls.tmp)
        cls.sys = os.path.join(cls.tmp, 'wdmtest.sys')
        cls.obj = os.path.join(cls.tmp, 'wdmtest.o')
        cls.imports = def_names(os.path.join(WDMTEST, 'ntoskrnl.def'))
        cls.provided = cls.write_list('provided.list', cls.imports)
        cls.convert = run(sys.executable, PE2ELF, '--check', '--provided', cls.provided,
                          cls.sys, '-o', cls.obj)
        cls.sections = pe_sections(cls.sys)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    @classmethod
    def write_list(cls, name, names):
        path = os.path.join(cls.tmp, name)
        with open(path, 'w') as f:
            f.write('# names for the test\n' + ''.join(n + '\n' for n in names))
        return path

    def section_of(self, addr):
        for name, (vma, size) in self.sections.items():
            if vma <= addr < vma + size:
                return name, addr - vma
        return None, None

    def test_check_mode_passes(self):
        """--check relocated the object at another layout and found every
        pointer, import slot and cross-section reference right."""
        self.assertIn('--check passed', self.convert.stdout)

    def test_section_kinds_and_no_wx(self):
        """Each PE section has its own ELF section of the right kind, and none
        is both writable and executable."""
        flags = {}
        table = run('readelf', '-SW', self.obj).stdout
        for m in re.finditer(r'^\s*\[\s*\d+\]\s+(\S+)\s+(\w+)\s+[0-9a-f]+\s+[0-9a-f]+\s+'
                             r'[0-9a-f]+\s+[0-9a-f]+\s+([A-Z]*)\s', table, re.M):
            flags[m.group(1)] = (m.group(2), m.group(3))
            self.assertFalse('W' in m.group(3) and 'X' in m.group(3), m.group(1))
        self.assertEqual(flags['.text'], ('PROGBITS', 'AX'))
        self.assertEqual(flags['.rodata'], ('PROGBITS', 'A'))
        self.assertEqual(flags['.data'], ('PROGBITS', 'WA'))
        self.assertEqual(flags['.bss'], ('NOBITS', 'WA'))
        for dropped in ('.reloc', '.pdata', '.xdata', '.edata'):
            self.assertFalse([n for n in flags if dropped in n], dropped)

    def test_every_cross_section_reference_relocated(self):
        """Every instruction GNU objdump shows reaching another section has
        exactly one R_X86_64_PC32 in .rela.text, against that section, with
        addend = target offset - (bytes from the field to the instruction's
        end); no other instruction has one."""
        text_vma = self.sections['.text'][0]
        elf_name = {'.text': '.text', '.rdata': '.rodata', '.data': '.data', '.bss': '.bss',
                    '.idata': '.data.idata'}
        pc32 = {off: (sym, addend) for off, typ, sym, addend in elf_relocs(self.obj)['.text']
                if typ == 'R_X86_64_PC32'}
        expected = 0
        for addr, length, target in pe_instructions(self.sys):
            inside = [o for o in pc32 if addr <= text_vma + o < addr + length]
            tsec, toff = self.section_of(target) if target is not None else (None, None)
            if target is None or tsec == '.text':
                self.assertEqual(inside, [], 'relocation in %#x, which stays in .text' % addr)
                continue
            expected += 1
            self.assertEqual(len(inside), 1, 'instruction at %#x to %s' % (addr, tsec))
            field = text_vma + inside[0]
            self.assertEqual(pc32[inside[0]], (elf_name[tsec], toff - (addr + length - field)),
                             'instruction at %#x' % addr)
        self.assertEqual(expected, len(pc32))
        self.assertGreater(expected, 20)	# the driver has plenty; the test is not vacuous

    def test_every_base_relocation_converted(self):
        """Each DIR64 base relocation is one R_X86_64_64 at the same place."""
        dir64 = set()
        for m in re.finditer(r'^Virtual Address: ([0-9a-f]+).*?\n((?:\s+reloc.*\n)+)',
                             run(MINGW + 'objdump', '-p', self.sys).stdout, re.M):
            page = int(m.group(1), 16)
            dir64 |= {page + int(o, 16) for o in
                      re.findall(r'offset\s+([0-9a-f]+) \[[0-9a-f]+\] DIR64', m.group(2))}
        base = run(MINGW + 'objdump', '-p', self.sys).stdout
        image_base = int(re.search(r'ImageBase\s+([0-9a-f]+)', base).group(1), 16)
        vma_of = {'.data': '.data', '.rodata': '.rdata'}
        got = set()
        for sec, relocs in elf_relocs(self.obj).items():
            for off, typ, sym, _ in relocs:
                if typ == 'R_X86_64_64' and not sym.startswith('ntwq_win_'):
                    got.add(self.sections[vma_of[sec]][0] - image_base + off)
        self.assertEqual(got, dir64)
        self.assertEqual(len(got), 4)	# .data -> .bss/.rdata, .rdata -> .rdata/.text

    def test_undefined_symbols_are_the_imports(self):
        """The undefined symbols are exactly the PE's imports, prefixed."""
        table = run(MINGW + 'objdump', '-p', self.sys).stdout
        imports = set(re.findall(r'^\s+[0-9a-f]+\s+\d+\s+(\w+)$', table, re.M))
        undefined = set(run('nm', '-u', self.obj).stdout.split()) - {'U'}
        self.assertEqual(undefined, {'ntwq_win_' + n for n in imports})
        self.assertEqual(imports, set(self.imports))

    def test_entry_and_exports_are_global(self):
        """DriverEntry is the entry point; the exports are global symbols."""
        syms = dict((name, (int(v, 16), t)) for v, t, name in
                    (line.split() for line in run('nm', '-g', '--defined-only',
                                                  self.obj).stdout.splitlines()))
        header = run(MINGW + 'objdump', '-p', self.sys).stdout
        entry = int(re.search(r'AddressOfEntryPoint\s+([0-9a-f]+)', header).group(1), 16)
        text_rva = self.sections['.text'][0] - int(re.search(r'ImageBase\s+([0-9a-f]+)',
                                                             header).group(1), 16)
        self.assertEqual(syms['DriverEntry'], (entry - text_rva, 'T'))
        self.assertEqual(syms['WdmTestQueueAtDispatch'][1], 'T')
        self.assertEqual(syms['WdmTestResults'][1], 'B')
        self.assertEqual(set(syms), {'DriverEntry', 'WdmTestQueueAtDispatch', 'WdmTestResults',
                                     'WdmTestQueueHeld', 'WdmTestHold'})

    def link_and_run(self, obj):
        exe = obj + '.run'
        run('gcc', '-O2', '-Wall', '-Wextra', '-Werror', '-no-pie',
            '-I', os.path.join(ROOT, 'include'), '-I', WDMTEST,
            os.path.join(HERE, 'host_run.c'), obj, '-o', exe)
        return run(exe, check=False)

    def test_driver_runs_in_host_harness(self):
        """Linked into a Linux program with ms_abi stand-ins for its imports,
        the converted driver runs DriverEntry, its work items and its unload
        correctly (host_run.c's ten checks)."""
        p = self.link_and_run(self.obj)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn('# 10 passed, 0 failed', p.stdout)

    def test_harness_fails_on_a_wrong_relocation(self):
        """The harness is not blind: moving one .rodata pointer by 8 bytes
        (the table's routine pointer) makes it fail."""
        bad = os.path.join(self.tmp, 'wrong.o')
        with open(self.obj, 'rb') as f:
            data = bytearray(f.read())
        shoff, shnum, shstrndx = struct.unpack_from('<Q', data, 0x28)[0], *struct.unpack_from(
            '<HH', data, 0x3c)
        names = struct.unpack_from('<Q', data, shoff + 64 * shstrndx + 24)[0]
        for i in range(shnum):
            name, _, _, _, off = struct.unpack_from('<IIQQQ', data, shoff + 64 * i)
            if data[names + name:].split(b'\0', 1)[0] == b'.rela.rodata':
                for r in range(off, off + 48, 24):	# both relocations of the plan
                    addend = struct.unpack_from('<q', data, r + 16)[0]
                    struct.pack_into('<q', data, r + 16, addend + 8)
        with open(bad, 'wb') as f:
            f.write(data)
        p = self.link_and_run(bad)
        self.assertNotEqual(p.returncode, 0, p.stdout)

    def test_missing_imports_listed_together(self):
        """Imports the list does not provide fail the conversion, every one
        named, and no object is written."""
        names = [n for n in self.imports if n not in ('IoCreateDevice', 'ExQueueWorkItem')]
        out = os.path.join(self.tmp, 'missing.o')
        p = run(sys.executable, PE2ELF, '--provided', self.write_list('short.list', names),
                self.sys, '-o', out, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn('2 import(s) ntwq does not provide', p.stderr)
        self.assertIn('ntoskrnl.exe!IoCreateDevice', p.stderr)
        self.assertIn('ntoskrnl.exe!ExQueueWorkItem', p.stderr)
        self.assertFalse(os.path.exists(out))

    def test_import_bound_to_its_module(self):
        """A list line 'module Name' binds Name from that module only."""
        names = ['ndis.sys IoCreateDevice'] + [n for n in self.imports if n != 'IoCreateDevice']
        p = run(sys.executable, PE2ELF, '--provided', self.write_list('ndis.list', names),
                self.sys, check=False)
        self.assertIn('ntoskrnl.exe!IoCreateDevice', p.stderr)

    def test_refuses_what_it_cannot_convert(self):
        """A switch table, a CR8 access, a gs: access and an import by ordinal
        are each refused with the reason."""
        src = os.path.join(HERE, 'testdata')
        lib = os.path.join(self.tmp, 'libbad.a')
        run(MINGW + 'dlltool', '-d', os.path.join(src, 'bad_driver.def'), '-l', lib)
        cases = {'SWITCH': 'switch table', 'CR8': 'CR8 is the IRQL', 'GS': 'gs: access',
                 'ORDINAL': 'by ordinal'}
        for case, message in cases.items():
            sysfile = os.path.join(self.tmp, 'bad_%s.sys' % case)
            run(MINGW + 'gcc', '-O2', '-ffreestanding', '-D', 'BAD_' + case,
                '-fjump-tables' if case == 'SWITCH' else '-fno-jump-tables', '-nostdlib',
                '-shared', '-Wl,--subsystem,native', '-e', 'DriverEntry', '-o', sysfile,
                os.path.join(src, 'bad_driver.c'), lib)
            p = run(sys.executable, PE2ELF, '--provided', self.provided, sysfile, check=False)
            self.assertEqual(p.returncode, 1, case)
            self.assertIn(message, p.stderr, case)


class ResultLines(unittest.TextTestResult):
    """Also writes one "ok NAME" or "fail NAME -- why" line per test to the
    file named by --results: the form of make test's host checks."""
    lines = []

    def _line(self, test, verdict, why=''):
        doc = getattr(test, '_testMethodDoc', None)
        name = 'pe2elf: ' + (' '.join(doc.split()) if doc else test.id().rsplit('.', 1)[-1])
        last = why.strip().splitlines()[-1] if why.strip() else ''
        self.lines.append('%s %s%s' % (verdict, name, ' -- ' + last if last else ''))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, 'ok')

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(test, 'fail', self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._line(test, 'fail', self._exc_info_to_string(err, test))


def main():
    args = sys.argv[1:]
    results = None
    if '--results' in args:
        i = args.index('--results')
        results = args[i + 1]
        del args[i:i + 2]
    runner = unittest.TextTestRunner(resultclass=ResultLines, verbosity=2)
    prog = unittest.main(argv=[sys.argv[0]] + args, testRunner=runner, exit=False)
    if results:
        with open(results, 'a') as f:
            for line in ResultLines.lines:
                f.write(line.replace('\n', ' ') + '\n')
    sys.exit(0 if prog.result.wasSuccessful() else 1)


if __name__ == '__main__':
    main()
