#!/usr/bin/env python3
"""Tables, JSON and a plot from ntwq_bench's kernel log lines.

    bench_report.py [--machine TEXT] OUTDIR LOG...

Every figure is the median over the repetitions, with its spread (min-max).
Each ntwq contender is also given as a ratio to native queue_work() on a
plain per-CPU workqueue (native_bound, the kernel's fastest path) and on a
workqueue with ntwq's flags (native_mapped).  A ratio is only called a
difference when the two spreads do not overlap; otherwise it is "within
noise" (QEMU varies by about +-40% between repetitions of the same code).

Besides the main tables: the driver-shaped scenarios (many_drivers, chain)
against native_bound, the verifier's cost (io_verifier against io) in every
scenario, the cost of recording the ntwq trace events (io_traced against
io), and the bytes per work item of every family.
"""
import argparse
import json
import os
import re
import statistics
import sys

LINE = re.compile(r'ntwq_bench: result (.*)$')
NTWQ = ['io', 'ex', 'wdf', 'ndis6', 'ndis5']
ORDER = ['native_bound', 'native_mapped', 'io', 'io_verifier', 'io_traced', 'ex', 'ex_verifier',
         'wdf', 'wdf_verifier', 'ndis6', 'ndis5', 'ndisw']
# Each family and its contender with the verifier on.
VERIFIER_PAIRS = [('io', 'io_verifier'), ('ex', 'ex_verifier'), ('wdf', 'wdf_verifier')]
# The contenders of the driver-shaped scenarios, and their reference.
DRIVER_ROWS = ['native_bound', 'io', 'io_verifier', 'ex', 'wdf', 'ndis6', 'ndis5']
# The memory scenario's rows (contenders, and io_storage: an Io item in the
# caller's storage), in the order and with the words of the bytes table.
MEMORY_ROWS = [
    ('io', 'Io', '`IoAllocateWorkItem`'),
    ('io_storage', 'Io', '`IoInitializeWorkItem` on `IoSizeofWorkItem()` bytes'),
    ('io_verifier', 'Io', '`IoAllocateWorkItem`, verifier mode on'),
    ('wdf', 'KMDF', '`WdfWorkItemCreate` (no context)'),
    ('ex', 'Ex', '`WORK_QUEUE_ITEM`'),
    ('ndis6', 'NDIS 6', '`NdisAllocateIoWorkItem`'),
    ('ndis5', 'NDIS 5', '`NDIS_WORK_ITEM`'),
    ('native_bound', 'native', '`struct work_struct`'),
    ('ndisw', 'ndisw baseline', 'a node per queue call'),
]
# metric -> (scenario, key, unit divisor, label, lower is better)
METRICS = {
    'queue_ns': ('queue_cost', 'ns_per_call', 1, 'queue call (ns)', True),
    'allocs_per_call': ('queue_cost', 'allocs_per_call_x1000', 1000, 'allocations per queue call', True),
    'p50_us': ('latency', 'p50_ns', 1000, 'latency p50 (us)', True),
    'p99_us': ('latency', 'p99_ns', 1000, 'latency p99 (us)', True),
    'max_us': ('latency', 'max_ns', 1000, 'latency max (us)', True),
    'kitems_s': ('throughput', 'items_per_s', 1000, 'throughput (k items/s)', False),
    'blocking_ms': ('blocking', 'total_us', 1000, '64 x 10 ms blocking (ms)', True),
    'bytes': ('memory', 'bytes_per_item', 1, 'bytes per item', True),
    'md_kitems_s': ('many_drivers', 'items_per_s', 1000,
                    'many_drivers 8x8 (k items/s)', False),
    'chain_kitems_s': ('chain', 'items_per_s', 1000, 'chain (k items/s)', False),
}
# The main table's columns; the driver-shaped scenarios have their own table.
MAIN = ['queue_ns', 'allocs_per_call', 'p50_us', 'p99_us', 'max_us', 'kitems_s',
        'blocking_ms', 'bytes']
DRIVER_METRICS = ['md_kitems_s', 'chain_kitems_s']
# Digits shown per metric.
DIGITS = {'queue_ns': 0, 'bytes': 0, 'allocs_per_call': 3}
# target: metric -> (reference, factor, description)
TARGETS = [
    ('queue_ns', 'native_bound', 1.10, 'queue-call cost within 1.10x the bound native path'),
    ('p50_us', 'native_bound', 1.10, 'p50 latency within 1.10x the bound native path'),
    ('kitems_s', 'native_bound', 0.90, 'throughput at least 0.90x native'),
]


def results(paths):
    """The key=value fields of every "ntwq_bench: result" line in @paths."""
    for path in paths:
        for raw in open(path, errors='replace'):
            m = LINE.search(raw)
            if m:
                yield dict(x.split('=', 1) for x in m.group(1).split())


def parse(paths):
    """{cpus: {contender: {metric: [values]}}}"""
    data = {}
    for kv in results(paths):
        cpus = int(kv['cpus'])
        for metric, (scenario, key, div, _, _) in METRICS.items():
            if kv.get('scenario') == scenario and key in kv:
                (data.setdefault(cpus, {}).setdefault(kv['contender'], {})
                 .setdefault(metric, []).append(int(kv[key]) / div))
    return data


def chain_shape(paths):
    """{cpus: (chains, chain_len)} from the chain scenario's lines."""
    return {int(kv['cpus']): (int(kv['chains']), int(kv['chain_len']))
            for kv in results(paths)
            if kv.get('scenario') == 'chain' and 'chain_len' in kv}


def memory(paths):
    """{cpus: {row: the memory line's fields}}: bytes per item, and where the
    item lives (storage=ntwq: allocations, slab_bytes)."""
    out = {}
    for kv in results(paths):
        if kv.get('scenario') == 'memory':
            out.setdefault(int(kv['cpus']), {})[kv['contender']] = kv
    return out


def memory_table(mem, cfg):
    """Bytes per work item, per family, as the running modules measured them."""
    rows = [(name, fam, api, mem[name]) for name, fam, api in MEMORY_ROWS if name in mem]
    if not rows:
        return []
    md = ['Bytes per work item, per family, measured by the benchmark module in this boot: '
          'what ntwq allocates for one item (its allocator\'s counters around one '
          'allocation; slab = the `kmalloc` size class that holds it) or what the API makes '
          'the caller provide (`sizeof`, `IoSizeofWorkItem()`).', '',
          '| family | item | storage | bytes | slab bytes |', '|---|---|---|---|---|']
    out = cfg.setdefault('bytes_per_item', {})
    for name, fam, api, kv in rows:
        storage = kv.get('storage', 'ntwq')
        slab = int(kv.get('slab_bytes', 0))
        n = kv.get('allocations', '?')
        where = {'caller': 'caller', 'per_call': 'allocated per queue call'}.get(
            storage, f"ntwq ({n} allocation{'' if n == '1' else 's'})")
        md.append(f'| {fam} | {api} | {where}' +
                  f" | {kv['bytes_per_item']} | " + (str(slab) if slab else '-') + ' |')
        out[name] = {'bytes': int(kv['bytes_per_item']), 'storage': storage,
                     'slab_bytes': slab or None}
    return md + ['']


def summary(values):
    return {'median': statistics.median(values), 'min': min(values), 'max': max(values),
            'n': len(values)}


def compare(a, b, lower_is_better):
    """Ratio a/b of medians, and whether the spreads separate them."""
    ratio = a['median'] / b['median'] if b['median'] else float('inf')
    separated = a['min'] > b['max'] or a['max'] < b['min']
    return ratio, separated


def fmt(s, digits=1):
    if s is None:
        return '-'
    if s['n'] == 1 or s['min'] == s['max']:
        return f"{s['median']:.{digits}f}"
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f})"


def ratio_cell(a, b, lower_is_better):
    """'1.23x', or with '(within noise)' when the spreads overlap; None if
    either side is missing."""
    if a is None or b is None:
        return None, '-'
    ratio, sep = compare(a, b, lower_is_better)
    # One measurement each (bytes per item): exact, no spread to compare.
    exact = a['n'] == 1 and b['n'] == 1
    return ({'ratio': ratio, 'separated': sep or exact},
            f'{ratio:.2f}x' + ('' if sep or exact else ' (within noise)'))


def driver_tables(table, cfg, shape):
    """many_drivers and chain: items/s per contender and the ratio to
    native_bound."""
    if not any(m in table.get(c, {}) for c in DRIVER_ROWS for m in DRIVER_METRICS):
        return []
    ref = table.get('native_bound', {})
    chain = (f'{shape[0]} chains of {shape[1]} runs' if shape else 'chains')
    md = ['Driver-shaped scenarios: many_drivers = 8 drivers x 8 devices, one work item per '
          'device (64 in all), each queued again as soon as its routine has run, by a bound '
          f'thread on every CPU; chain = {chain}, each routine queueing its own item again '
          '(native_bound: queue_work() from the work function), started from every CPU.  '
          'Median (min-max) over the repetitions; ratio of medians to native_bound (higher '
          'is better).', '',
          '| contender | ' + ' | '.join(
              f'{METRICS[m][3]} | {METRICS[m][3].split(" (")[0]} vs native_bound'
              for m in DRIVER_METRICS) + ' |',
          '|---|' + '---|' * (2 * len(DRIVER_METRICS))]
    out = cfg.setdefault('driver_scenarios', {})
    for c in DRIVER_ROWS:
        if c not in table:
            continue
        cells = []
        for m in DRIVER_METRICS:
            s = table[c].get(m)
            cells.append(fmt(s))
            if c == 'native_bound':
                cells.append('reference' if s is not None else '-')
                if s is not None:
                    out.setdefault(c, {})[m] = dict(s)
                continue
            r, text = ratio_cell(s, ref.get(m), METRICS[m][4])
            cells.append(text)
            if s is not None:
                out.setdefault(c, {})[m] = dict(s, vs_native_bound=r)
        md.append(f'| {c} | ' + ' | '.join(cells) + ' |')
    return md + ['']


def pair_rows(table, base, v, shown, dest):
    """Table rows for contender @v against @base: each one's figures, then
    @v / @base per metric in @shown (ratios of medians; for allocations per
    call, a count, the difference); @dest gets the ratios."""
    md = [f'| {c} | ' + ' | '.join(fmt(table.get(c, {}).get(m), DIGITS.get(m, 1))
                                   for m in shown) + ' |' for c in (base, v)]
    cells = []
    for m in shown:
        a, b = table[v].get(m), table.get(base, {}).get(m)
        if m == 'allocs_per_call' and a is not None and b is not None:
            diff = a['median'] - b['median']
            dest[m] = {'difference': diff}
            cells.append(f'{diff:+.3f}')
            continue
        r, text = ratio_cell(a, b, METRICS[m][4])
        if r is not None:
            dest[m] = r
        cells.append(text)
    return md + [f'| {v} / {base} | ' + ' | '.join(cells) + ' |']


def verifier_table(table, cfg):
    """The verifier's cost: each family with verifier mode on against it off."""
    shown = [m for m in MAIN + DRIVER_METRICS if m != 'max_us']
    pairs = [(base, v) for base, v in VERIFIER_PAIRS if v in table]
    if not pairs:
        if 'io' in table:
            return ['Verifier: no io_verifier results (the ntwq measured exports no '
                    '`ntwq_verifier`).', '']
        return []
    md = ['Verifier cost: each API with ntwq\'s verifier mode on (`*_verifier`) against '
          'it off, same boot.  Ratio of medians (for items/s, lower means the '
          'verifier costs throughput).', '',
          '| | ' + ' | '.join(METRICS[m][3] for m in shown) + ' |',
          '|---|' + '---|' * len(shown)]
    out = cfg.setdefault('verifier', {})
    for base, v in pairs:
        # io_verifier's figures keep their old place in results.json.
        md += pair_rows(table, base, v, shown,
                        out if base == 'io' else out.setdefault(v, {}))
    return md + ['']


def mode_table(table, cfg, mode, key, intro, missing):
    """The cost of running io in @mode (a contender: io with something on)
    against io, in every scenario @mode ran; cfg[@key] gets the ratios."""
    if mode not in table:
        return [missing, ''] if 'io' in table else []
    shown = [m for m in MAIN + DRIVER_METRICS if m != 'max_us' and m in table[mode]]
    md = [intro, '',
          '| | ' + ' | '.join(METRICS[m][3] for m in shown) + ' |',
          '|---|' + '---|' * len(shown)]
    md += pair_rows(table, 'io', mode, shown, cfg.setdefault(key, {}))
    return md + ['']


def tracing_table(table, cfg):
    """The trace events' cost when on: io_traced against io."""
    return mode_table(
        table, cfg, 'io_traced', 'tracing',
        'Tracing cost: io with the ntwq trace events on and recording into the trace '
        'buffer (io_traced) against io with them off, same boot.  Ratio of medians '
        'io_traced / io (for items/s, lower means tracing costs throughput).  Off, an '
        'event is one 5-byte NOP at its call site (a static key).',
        'Tracing: no io_traced results (the kernel cannot enable the ntwq events).')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--machine', default='(not given)')
    ap.add_argument('outdir')
    ap.add_argument('logs', nargs='+')
    args = ap.parse_args()

    raw = parse(args.logs)
    shapes = chain_shape(args.logs)
    mems = memory(args.logs)
    if not raw:
        sys.exit('no ntwq_bench results in the logs')
    result = {'machine': args.machine, 'configs': {}}
    md = [f'Machine: {args.machine}', '']
    for cpus in sorted(raw):
        table = {c: {m: summary(v) for m, v in raw[cpus][c].items()}
                 for c in ORDER if c in raw[cpus]}
        cfg = {'contenders': table, 'ratios': {}, 'targets': []}
        md += [f'### QEMU -smp {cpus}', '',
               '| contender | ' + ' | '.join(METRICS[m][3] for m in MAIN) + ' |',
               '|---|' + '---|' * len(MAIN)]
        for c, t in table.items():
            md.append(f'| {c} | ' + ' | '.join(
                fmt(t.get(m), DIGITS.get(m, 1)) for m in MAIN) + ' |')
        md += ['', 'Median (min-max) over the repetitions.', '',
               '| ntwq vs native | ' + ' | '.join(
                   f'{METRICS[m][3]} vs {ref}' for m in ('queue_ns', 'p50_us', 'kitems_s')
                   for ref in ('native_bound', 'native_mapped')) + ' |',
               '|---|' + '---|' * 6]
        for c in NTWQ:
            if c not in table:
                continue
            cells = []
            for m in ('queue_ns', 'p50_us', 'kitems_s'):
                for ref in ('native_bound', 'native_mapped'):
                    if m not in table[c] or m not in table.get(ref, {}):
                        cells.append('-')
                        continue
                    ratio, sep = compare(table[c][m], table[ref][m], METRICS[m][4])
                    cfg['ratios'][f'{c}/{ref}/{m}'] = {'ratio': ratio, 'separated': sep}
                    cells.append(f'{ratio:.2f}x' + ('' if sep else ' (within noise)'))
            md.append(f'| {c} | ' + ' | '.join(cells) + ' |')
        md += ['', '| target | ' + ' | '.join(NTWQ) + ' |', '|---|' + '---|' * len(NTWQ)]
        rows = []
        for metric, ref, factor, desc in TARGETS:
            cells = []
            for c in NTWQ:
                if metric not in table.get(c, {}) or metric not in table.get(ref, {}):
                    cells.append('-')
                    continue
                ratio, sep = compare(table[c][metric], table[ref][metric], METRICS[metric][4])
                ok = ratio <= factor if METRICS[metric][4] else ratio >= factor
                verdict = 'met' if ok else ('missed' if sep else 'within noise')
                cells.append(f'{verdict} ({ratio:.2f}x)')
                cfg['targets'].append({'target': desc, 'contender': c, 'ratio': ratio,
                                       'verdict': verdict})
            rows.append(f'| {desc} | ' + ' | '.join(cells) + ' |')
        for c_metric, desc, check in (
                ('allocs_per_call', 'zero allocations per queue call', lambda s: s['max'] == 0),
                ('blocking_ms', '64 blocking routines within 3x one routine (30 ms)',
                 lambda s: s['median'] <= 30)):
            cells = []
            for c in NTWQ:
                s = table.get(c, {}).get(c_metric)
                verdict = '-' if s is None else ('met' if check(s) else 'missed')
                cells.append(verdict if s is None else f'{verdict} ({s["median"]:g})')
                cfg['targets'].append({'target': desc, 'contender': c, 'verdict': verdict})
            rows.append(f'| {desc} | ' + ' | '.join(cells) + ' |')
        md += rows + ['']
        md += (driver_tables(table, cfg, shapes.get(cpus)) + verifier_table(table, cfg) +
               tracing_table(table, cfg) + memory_table(mems.get(cpus, {}), cfg))
        result['configs'][str(cpus)] = cfg

    os.makedirs(args.outdir, exist_ok=True)
    with open(os.path.join(args.outdir, 'results.json'), 'w') as f:
        json.dump(result, f, indent=1)
    with open(os.path.join(args.outdir, 'results.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')
    try:
        plot(raw, os.path.join(args.outdir, 'plot.png'))
    except ImportError:
        print('matplotlib missing: no plot', file=sys.stderr)
    print('\n'.join(md))


def plot(raw, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    shown = ['queue_ns', 'p50_us', 'kitems_s', 'blocking_ms', 'md_kitems_s', 'chain_kitems_s']
    configs = sorted(raw)
    fig, axes = plt.subplots(len(configs), len(shown), figsize=(4.2 * len(shown), 3.4 * len(configs)),
                             squeeze=False)
    for row, cpus in enumerate(configs):
        for col, m in enumerate(shown):
            ax = axes[row][col]
            names = [c for c in ORDER if m in raw[cpus].get(c, {})]
            if not names:
                ax.set_axis_off()
                continue
            med = [statistics.median(raw[cpus][c][m]) for c in names]
            lo = [med[i] - min(raw[cpus][c][m]) for i, c in enumerate(names)]
            hi = [max(raw[cpus][c][m]) - med[i] for i, c in enumerate(names)]
            colors = ['#888888' if c.startswith('native') else '#c0504d' if c == 'ndisw'
                      else '#4f81bd' for c in names]
            ax.bar(names, med, yerr=[lo, hi], color=colors, capsize=3)
            ax.set_title(f'{METRICS[m][3]}, -smp {cpus}', fontsize=9)
            ax.tick_params(axis='x', labelrotation=45, labelsize=7)
            if m == 'blocking_ms':
                ax.set_yscale('log')
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == '__main__':
    main()
