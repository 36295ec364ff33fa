#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""gen_ms_abi.py - the C file that turns a converted Windows driver binary into
a module: its Windows-ABI wrappers and its module_init/module_exit, generated
from tools/winabi/ntwq-windows.list (docs/binary-drivers.md).

    gen_ms_abi.py LIST [--module ntoskrnl.exe ...] [--driver NAME --license L] -o out.c

Wrappers.  For each listed name of the selected import modules it finds
ntwq's prototype in include/ntwq/*.h and emits

    RET __attribute__((ms_abi)) ntwq_win_<Name>(params)

which calls ntwq with the kernel's convention: <Name> itself, or, for a name
flagged "binary", its twin NtwqBinary<Name> from <ntwq/binary.h>, which must
take the same parameters (checked here).  The twins are the calls that make
or queue work items: their items belong to ntwq's "win" family, whose
routines ntwq calls with the Windows convention.  A "struct module *"
parameter (ExQueueWorkItem's NtwqCaller) is not part of the Windows
signature: the wrapper passes THIS_MODULE.

The file is compiled into the binary's own module, not into ntwq: there
THIS_MODULE is the binary's module, the one ExQueueWorkItem must pin, and
modpost records the dependency on ntwq.ko through ntwq's exported names.
pe2elf.py binds the binary's imports to these wrappers by name
(--provided with the same list), so the two sides cannot drift.

Stub (--driver NAME).  module_init creates the driver object
(NtwqCreateDriver(THIS_MODULE, NAME)) and calls DriverEntry directly (a
direct call, declared ms_abi) with the registry path Windows would pass;
a failed DriverEntry fails the load.  A driver that sets no DriverUnload
cannot be unloaded on Windows; here its module keeps a reference on
itself.  module_exit calls DriverUnload through an ms_abi pointer, then
NtwqDeleteDriver, which waits for the driver's remaining work.

The stub must not use static branches (static_branch_*, pr_debug with
dynamic debug, tracepoints): objtool does not process this module (see
the Kbuild that builds it), so no build step turns their jumps into NOPs.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADERS = ['include/ntwq/wdm.h', 'include/ntwq/ndis.h', 'include/ntwq/binary.h']
TWIN = 'NtwqBinary'


def read_list(path):
    """[(module, name, flags)] from the list."""
    out = []
    for line in open(path):
        words = line.split('#', 1)[0].split()
        if words:
            out.append((words[0].lower(), words[1], set(words[2:])))
    return out


def prototypes(paths):
    """{name: (return type, [(type, name)])} of the functions the headers
    declare (comments removed; the header's own spelling kept)."""
    text = ''
    for p in paths:
        text += re.sub(r'/\*.*?\*/', '', open(p).read(), flags=re.S) + '\n'
    out = {}
    for m in re.finditer(r'^([A-Za-z_][\w ]*?[\w*])\s*\(?\b(\w+)\)?\(([^;{]*?)\)\s*;', text, re.M):
        ret, name, params = m.group(1).strip(), m.group(2), ' '.join(m.group(3).split())
        if ret.startswith(('#', 'typedef', 'return')):
            continue
        args = [re.match(r'(.*?[\s*])(\w+)$', p.strip())
                for p in ([] if params in ('', 'void', 'VOID') else params.split(','))]
        if all(args):	# else not a prototype (a macro, a pointer typedef)
            out[name] = (ret, [(' '.join(a.group(1).split()), a.group(2)) for a in args])
    return out


def same_type(a, b):
    canon = {'VOID': 'void'}
    return canon.get(a, a) == canon.get(b, b)


def wrapper(name, ret, args, callee):
    shown = [(t, n) for t, n in args if t != 'struct module *']
    sig = '%s __attribute__((ms_abi)) ntwq_win_%s(%s)' % (
        ret, name, ', '.join('%s%s%s' % (t, '' if t.endswith('*') else ' ', n)
                             for t, n in shown) or 'void')
    call = ['THIS_MODULE' if t == 'struct module *' else n for t, n in args]
    body = '%s(%s)(%s);' % ('' if same_type(ret, 'void') else 'return ', callee, ', '.join(call))
    return '%s;\n%s\n{\n\t%s\n}\n' % (sig, sig, body)


def c_string(s):
    return s.replace('\\', '\\\\').replace('"', '\\"')


STUB = r'''
/* ---- the module: DriverEntry from module_init, DriverUnload from module_exit ---- */

NTSTATUS __attribute__((ms_abi)) DriverEntry(PDRIVER_OBJECT DriverObject,
					      PUNICODE_STRING RegistryPath);
typedef void (__attribute__((ms_abi)) *ntwq_win_unload_t)(PDRIVER_OBJECT DriverObject);

/* The registry path Windows passes to DriverEntry (the driver reads, never writes it). */
static WCHAR ntwq_win_registry_path[] =
	u"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\%(name)s";

/* Set by module_init, read by module_exit. */
static PDRIVER_OBJECT ntwq_win_driver;

static int __init ntwq_win_init(void)
{
	UNICODE_STRING path = {
		.Length = sizeof(ntwq_win_registry_path) - sizeof(WCHAR),
		.MaximumLength = sizeof(ntwq_win_registry_path),
		.Buffer = ntwq_win_registry_path,
	};
	NTSTATUS status;

	status = NtwqCreateDriver(THIS_MODULE, "%(name)s", &ntwq_win_driver);
	if (!NT_SUCCESS(status))
		return status == STATUS_INSUFFICIENT_RESOURCES ? -ENOMEM : -EINVAL;
	status = DriverEntry(ntwq_win_driver, &path);
	if (!NT_SUCCESS(status)) {
		pr_err("%(name)s: DriverEntry failed with NTSTATUS 0x%%08x\n", (u32)status);
		NtwqDeleteDriver(ntwq_win_driver);	/* waits for work it queued */
		return -ENODEV;
	}
	/* Windows cannot unload a driver without DriverUnload: nor can rmmod. */
	if (!ntwq_win_driver->DriverUnload)
		__module_get(THIS_MODULE);
	return 0;
}

static void __exit ntwq_win_exit(void)
{
	ntwq_win_unload_t unload = (ntwq_win_unload_t)ntwq_win_driver->DriverUnload;

	if (unload)	/* else only rmmod -f gets here */
		unload(ntwq_win_driver);
	NtwqDeleteDriver(ntwq_win_driver);	/* waits for the driver's remaining work */
}

module_init(ntwq_win_init);
module_exit(ntwq_win_exit);
MODULE_LICENSE("%(license)s");
MODULE_DESCRIPTION("%(name)s.sys, a Windows driver binary on ntwq (converted by pe2elf)");
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('list')
    ap.add_argument('--module', action='append', help='only these import modules (default: all)')
    ap.add_argument('--driver', help='emit module_init/module_exit for this driver name')
    ap.add_argument('--license', default='GPL', help="the module's MODULE_LICENSE")
    ap.add_argument('-o', '--output')
    args = ap.parse_args()
    protos = prototypes([os.path.join(ROOT, h) for h in HEADERS])
    modules = {m.lower() for m in args.module} if args.module else None
    entries = [e for e in read_list(args.list) if modules is None or e[0] in modules]

    errors = []
    for _, name, flags in entries:
        if name not in protos:
            errors.append('no prototype for %s' % name)
        elif 'binary' in flags:
            twin = TWIN + name
            if twin not in protos:
                errors.append('%s is flagged binary, but <ntwq/binary.h> has no %s' % (name, twin))
            elif (len(protos[twin][1]) != len(protos[name][1]) or
                  not same_type(protos[twin][0], protos[name][0]) or
                  any(not same_type(a[0], b[0]) for a, b in zip(protos[twin][1], protos[name][1]))):
                errors.append('%s does not take the parameters of %s' % (twin, name))
    if errors:
        sys.exit('gen_ms_abi: %s (headers: %s)' % ('; '.join(errors), ', '.join(HEADERS)))

    out = ['// SPDX-License-Identifier: GPL-2.0',
           '/* Generated by tools/winabi/gen_ms_abi.py from %s: do not edit. */'
           % os.path.basename(args.list),
           '#include <linux/module.h>', '#include <ntwq/binary.h>', '#include <ntwq/wdm.h>']
    if any(m == 'ndis.sys' for m, _, _ in entries):
        out.append('#include <ntwq/ndis.h>')
    out += ['', '/* ---- the Windows-ABI wrappers the binary\'s imports bind to ---- */']
    for module, name, flags in entries:
        callee = TWIN + name if 'binary' in flags else name
        out += ['', '/* %s!%s */' % (module, name), wrapper(name, *protos[name], callee).rstrip()]
    if args.driver:
        if not re.fullmatch(r'[A-Za-z0-9_]+', args.driver):
            sys.exit('gen_ms_abi: --driver %r: letters, digits and _ only' % args.driver)
        out.append(STUB % {'name': args.driver, 'license': c_string(args.license)})
    text = '\n'.join(out).rstrip() + '\n'
    if args.output:
        with open(args.output, 'w') as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
