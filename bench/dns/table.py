#!/usr/bin/python3
"""Summarize bench/dns.sh results: RESULT lines (shared run.sh) and P99 lines (bench/dns/p99.sh).

    /usr/bin/python3 bench/dns/table.py RESULTS_FILE [--baseline pdns-bind]

One row per server and workload: median over rounds of QPS, server CPU %, QPS per server core,
its ratio to the baseline's QPS per core, dnsperf's mean latency at saturation, and p99 latency at
the fixed rate of p99.sh with its ratio to the baseline's p99 (lower is better).
"""
import statistics
import sys


def fields(line):
    return dict(kv.split('=', 1) for kv in line.split()[1:] if '=' in kv)


def main(argv):
    path = argv[1]
    base = argv[argv.index('--baseline') + 1] if '--baseline' in argv else 'pdns-bind'
    runs, p99 = {}, {}
    order = []
    for line in open(path):
        if line.startswith('RESULT ') and 'error=' not in line:
            f = fields(line)
            key = (f['label'], f['workload'])
            runs.setdefault(key, []).append(f)
            if key not in order:
                order.append(key)
        elif line.startswith('P99 ') and 'error=' not in line:
            f = fields(line)
            p99[(f['label'], f['workload'])] = f
    med = lambda rs, k: statistics.median(float(r.get(k, 0) or 0) for r in rs)
    summary = {}
    for key, rs in runs.items():
        summary[key] = {'n': len(rs), 'qps': med(rs, 'qps'), 'cpu': med(rs, 'server_cpu_pct'),
                        'core': med(rs, 'qps_per_core'), 'lat': med(rs, 'lat_avg_ms'),
                        'lost': max(float(r.get('lost_pct', 0)) for r in rs),
                        'p99': float(p99[key]['p99_ms']) if key in p99 else None}
    rate = next((f['qps_target'] for f in p99.values()), '?')
    head = ('workload', 'server', 'runs', 'QPS', 'cpu %', 'QPS/core', f'x {base}', 'lost %',
            'avg ms', f'p99 ms @{rate}/s', f'p99 x {base}')
    rows = []
    for wl in sorted({w for _, w in order}):
        b = summary.get((base, wl))
        for (label, w) in order:
            if w != wl:
                continue
            s = summary[(label, w)]
            ratio = f"{s['core'] / b['core']:.2f}" if b and b['core'] else '-'
            pr = f"{s['p99'] / b['p99']:.2f}" if b and b['p99'] and s['p99'] is not None else '-'
            rows.append((wl, label, str(s['n']), f"{s['qps'] / 1000:.1f}k", f"{s['cpu']:.0f}",
                         f"{s['core'] / 1000:.1f}k", ratio, f"{s['lost']:.2f}", f"{s['lat']:.2f}",
                         '-' if s['p99'] is None else f"{s['p99']:.2f}", pr))
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    fmt = lambda r: ' | '.join(c.ljust(widths[i]) if i < 2 else c.rjust(widths[i]) for i, c in enumerate(r))
    print(fmt(head))
    print('-+-'.join('-' * w for w in widths))
    for r in rows:
        print(fmt(r))


if __name__ == '__main__':
    main(sys.argv)
