/** One measured figure, as the BENCH line carries it. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** e.g. ">= 30000" */
  target: string;
  /** What it is compared with: a published figure or a peer measured in the same run. */
  anchor: string;
}

/** Print a readable table of figures, then the machine-readable `BENCH name {json}` line. */
export function report(name: string, figures: Figure[], extra: Record<string, unknown> = {}): void {
  const rows = figures.map((f) => [f.name, `${round(f.value)} ${f.unit}`, f.target, meets(f) ? 'yes' : 'NO', f.anchor]);
  const head = ['figure', 'value', 'target', 'met', 'anchor'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r.map(String)));
  console.log(`BENCH ${name} ${JSON.stringify({ figures: figures.map((f) => ({ ...f, value: round(f.value) })), ...extra })}`);
}

const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 1000) / 1000);

/** Whether a figure meets its target (`>= x`, `<= x`, `> x`, `< x`). */
export function meets(f: Figure): boolean {
  const m = /^(>=|<=|>|<)\s*(-?[\d.]+)/.exec(f.target.trim());
  if (!m) return true;
  const t = Number(m[2]);
  switch (m[1]) {
    case '>=':
      return f.value >= t;
    case '<=':
      return f.value <= t;
    case '>':
      return f.value > t;
    default:
      return f.value < t;
  }
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
