/** Result lines and the final summary table. */

export interface SummaryRow {
  target: string;
  measured: string;
  goal: string;
  /** null when there was nothing to judge (skipped, missing). */
  ok: boolean | null;
}

export type Log = (line: string) => void;

export const verdict = (ok: boolean | null) => (ok === null ? '—' : ok ? 'OK' : 'MISS');

/** `name: value  target …  OK|MISS` */
export function resultLine(log: Log, name: string, measured: string, goal: string, ok: boolean | null): SummaryRow {
  log(`${name}: ${measured}  target ${goal}  ${verdict(ok)}`);
  return { target: name, measured, goal, ok };
}

export function printSummary(log: Log, rows: SummaryRow[]): void {
  const head = ['target', 'measured', 'goal', 'result'];
  const cells = rows.map((r) => [r.target, r.measured, r.goal, verdict(r.ok)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  log('');
  log('Summary');
  log(line(head));
  log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) log(line(c));
}
