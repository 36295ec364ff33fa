#!/usr/bin/env python3
"""Tables, JSON and a plot from ntwq_bench's kernel log lines.

    bench_report.py [--machine TEXT] OUTDIR LOG...

Every figure is the median over the repetitions, with its spread (min-max).
Each ntwq contender is also given as a ratio to native queue_work() on a
plain per-CPU workqueue (native_bound, the kernel's fastest path) and on a
workqueue with ntwq's flags (native_mapped).  A ratio is only called a
difference when the two spreads do not overlap; otherwise it is "within
noise" (QEMU varies by about +-40% between repetitions of the same code).
"""
import argparse
import json
import os
import re
import statistics
import sys

LINE = re.compile(r'ntwq_bench: result (.*)$')
NTWQ = ['io', 'ex', 'wdf']
ORDER = ['native_bound', 'native_mapped', 'io', 'ex', 'wdf', 'ndisw']
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
}
# target: metric -> (reference, factor, description)
TARGETS = [
    ('queue_ns', 'native_bound', 1.10, 'queue-call cost within 1.10x the bound native path'),
    ('p50_us', 'native_bound', 1.10, 'p50 latency within 1.10x the bound native path'),
    ('kitems_s', 'native_bound', 0.90, 'throughput at least 0.90x native'),
]


def parse(paths):
    """{cpus: {contender: {metric: [values]}}}"""
    data = {}
    for path in paths:
        for raw in open(path, errors='replace'):
            m = LINE.search(raw)
            if not m:
                continue
            kv = dict(x.split('=', 1) for x in m.group(1).split())
            cpus = int(kv['cpus'])
            for metric, (scenario, key, div, _, _) in METRICS.items():
                if kv.get('scenario') == scenario and key in kv:
                    (data.setdefault(cpus, {}).setdefault(kv['contender'], {})
                     .setdefault(metric, []).append(int(kv[key]) / div))
    return data


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--machine', default='(not given)')
    ap.add_argument('outdir')
    ap.add_argument('logs', nargs='+')
    args = ap.parse_args()

    raw = parse(args.logs)
    if not raw:
        sys.exit('no ntwq_bench results in the logs')
    result = {'machine': args.machine, 'configs': {}}
    md = [f'Machine: {args.machine}', '']
    for cpus in sorted(raw):
        table = {c: {m: summary(v) for m, v in raw[cpus][c].items()}
                 for c in ORDER if c in raw[cpus]}
        cfg = {'contenders': table, 'ratios': {}, 'targets': []}
        md += [f'### QEMU -smp {cpus}', '',
               '| contender | ' + ' | '.join(METRICS[m][3] for m in METRICS) + ' |',
               '|---|' + '---|' * len(METRICS)]
        for c, t in table.items():
            md.append(f'| {c} | ' + ' | '.join(
                fmt(t.get(m), 0 if m in ('queue_ns', 'bytes') else
                    (3 if m == 'allocs_per_call' else 1)) for m in METRICS) + ' |')
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
        md += ['', '| target | ' + ' | '.join(NTWQ) + ' |', '|---|---|---|---|']
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
    shown = ['queue_ns', 'p50_us', 'kitems_s', 'blocking_ms']
    configs = sorted(raw)
    fig, axes = plt.subplots(len(configs), len(shown), figsize=(4.2 * len(shown), 3.4 * len(configs)),
                             squeeze=False)
    for row, cpus in enumerate(configs):
        for col, m in enumerate(shown):
            ax = axes[row][col]
            names = [c for c in ORDER if m in raw[cpus].get(c, {})]
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
