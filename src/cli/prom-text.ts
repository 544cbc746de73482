/** One sample of the Prometheus text exposition: `name{label="value",...} number`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Reads the Prometheus text format (what /metrics serves) into samples; comments and lines that are not
 * samples are skipped. Enough for `geodesic status` and `geodesic top`, which read Geodesic's own metrics.
 */
export function parsePromText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    if (space < 0) continue;
    let name: string;
    const labels: Record<string, string> = {};
    if (brace >= 0 && brace < space) {
      name = line.slice(0, brace);
      const end = line.lastIndexOf('}');
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      for (let m = re.exec(line.slice(brace + 1, end)); m !== null; m = re.exec(line.slice(brace + 1, end))) {
        labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      }
    } else {
      name = line.slice(0, space).trim();
    }
    const value = Number(line.slice(space + 1));
    if (name !== '' && !Number.isNaN(value)) out.push({ name, labels, value });
  }
  return out;
}

/** Sum of a metric's samples whose labels include `match`. */
export function sumOf(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number {
  let n = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) n += s.value;
  }
  return n;
}

/** Sums of a metric grouped by one label. */
export function groupBy(samples: readonly Sample[], name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name) continue;
    const k = s.labels[label] ?? '';
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return out;
}

/**
 * A quantile from the cumulative buckets of a histogram (`NAME_bucket{le=...}`), as Prometheus's
 * histogram_quantile does (linear inside the bucket), over the difference of two scrapes when `before`
 * is given. Null without observations.
 */
export function histogramQuantile(q: number, after: readonly Sample[], before: readonly Sample[] | null, name: string): number | null {
  const buckets = (samples: readonly Sample[]): Map<number, number> => {
    const m = new Map<number, number>();
    for (const s of samples) {
      if (s.name !== `${name}_bucket`) continue;
      const le = s.labels['le'] === '+Inf' ? Infinity : Number(s.labels['le']);
      m.set(le, (m.get(le) ?? 0) + s.value);
    }
    return m;
  };
  const a = buckets(after);
  const b = before === null ? new Map<number, number>() : buckets(before);
  const rows = [...a.entries()].map(([le, n]) => [le, n - (b.get(le) ?? 0)] as const).sort((x, y) => x[0] - y[0]);
  const total = rows.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevLe = 0, prevN = 0;
  for (const [le, n] of rows) {
    if (n >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + (le - prevLe) * ((rank - prevN) / Math.max(n - prevN, 1e-9));
    }
    prevLe = le;
    prevN = n;
  }
  return prevLe;
}
