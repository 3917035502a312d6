/**
 * List latency over HTTP on the seeded database: one request in flight at a time (latency,
 * not throughput), random time windows, several filter mixes, the default sort.
 */
import type { ListParams } from '../src/http/native/list-params.js';
import type { BenchServer } from './server.js';
import type { SeededDb } from './seed.js';
import { fmt, httpRequest, keepAliveAgent, runLoadInWorker, summarize } from './http-load.js';
import { explainVariant } from './explain.js';
import { resultLine, type Log, type SummaryRow } from './report.js';
import { measure, othersNote, type QuietPolicy } from './machine.js';
import { EXTERNAL_COUNT, TAGS, USER_COUNT, YEAR_END, YEAR_START, externalPhone, rng, userPhone } from './synth.js';

export const LIST_TARGET_MS = 25;
const DAY = 86_400_000;

export interface ListVariant { name: string; primary: boolean; params: ListParams[] }

export function listPath(p: ListParams): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) qs.append(k, String(one));
  }
  return `/api/v1/recordings?${qs.toString()}`;
}

/** Random windows of 1 to 90 days (log-uniform) inside the seeded year. */
export function variants(count: number, seed = 7): ListVariant[] {
  const r = rng(seed);
  const window = () => {
    const len = Math.round(Math.exp(Math.log(DAY) + r() * (Math.log(90 * DAY) - Math.log(DAY))));
    const from = YEAR_START + Math.floor(r() * (YEAR_END - YEAR_START - len));
    return { from: new Date(from).toISOString(), to: new Date(from + len).toISOString() };
  };
  const tag = () => {
    const total = TAGS.reduce((a, [, w]) => a + w, 0);
    let x = r() * total;
    for (const [name, w] of TAGS) if ((x -= w) < 0) return name.toLowerCase();
    return TAGS[0]![0];
  };
  const many = (f: () => ListParams) => Array.from({ length: count }, f);
  const sorted = { sort: '-startTime', pageSize: 25 };
  return [
    { name: '3 filters + sort', primary: true, params: many(() => ({ ...window(), callDirection: ['incoming'], minDurationMs: 60_000, ...sorted })) },
    { name: 'no filter, sort only', primary: false, params: many(() => ({ ...sorted })) },
    // Digits spelled differently from the stored numbers: the server normalises them.
    { name: 'window + agent phone', primary: false, params: many(() => ({ ...window(), phone: [userPhone(Math.floor(r() * USER_COUNT)).replace(/[()\s]/g, '')], ...sorted })) },
    { name: 'window + customer phone', primary: false, params: many(() => ({ ...window(), phone: [externalPhone(Math.floor(r() * EXTERNAL_COUNT))], ...sorted })) },
    { name: 'window + tag', primary: false, params: many(() => ({ ...window(), tag: [tag()], ...sorted })) },
  ];
}

export interface ListOptions {
  requests: number;
  maxSecondsPerVariant: number;
  explain: boolean;
  /** Run only variants whose name contains one of these. */
  variants?: string[];
  quiet: QuietPolicy;
  log: Log;
}

export async function benchList(server: BenchServer, seeded: SeededDb, opts: ListOptions): Promise<SummaryRow[]> {
  const { log } = opts;
  const token = await server.tokenFor(seeded.accountId);
  const rowsLabel = seeded.rows >= 1_000_000 ? `${seeded.rows / 1_000_000}M` : `${seeded.rows / 1000}k`;
  const warmup = 30;
  const out: SummaryRow[] = [];

  // Sanity: one answer, looked at.
  const agent = keepAliveAgent(1);
  const probe = await httpRequest(agent, new URL(server.origin), 'GET', listPath(variants(1)[0]!.params[0]!), { authorization: `Bearer ${token}` }, undefined, true);
  agent.destroy();
  if (probe.status !== 200) throw new Error(`list request failed: ${probe.status} ${probe.body?.slice(0, 300)}`);
  const sample = JSON.parse(probe.body!) as { data: unknown[]; total: number; totalEstimated: boolean };
  log(`list: sample page has ${sample.data.length} items of ${sample.total}${sample.totalEstimated ? '+' : ''}, ${probe.bytes} bytes`);

  for (const v of variants(opts.requests + warmup)) {
    if (opts.variants && !opts.variants.some((x) => v.name.includes(x))) continue;
    const { value: res, others } = await measure(`list [${v.name}]`, opts.quiet, () => runLoadInWorker({
      origin: server.origin, token, paths: v.params.map(listPath), concurrency: 1, warmup, maxMs: opts.maxSecondsPerVariant * 1000,
    }));
    const s = summarize(res.latenciesMs);
    const errs = Object.entries(res.statuses).filter(([k]) => k !== '200');
    log(`list [${v.name}]: n=${s.n} p50 ${fmt(s.p50)} ms  p95 ${fmt(s.p95)} ms  p99 ${fmt(s.p99)} ms  max ${fmt(s.max)} ms`
      + `${s.n < opts.requests ? `  (stopped at the ${opts.maxSecondsPerVariant} s budget)` : ''}`
      + `${errs.length ? `  non-200: ${JSON.stringify(Object.fromEntries(errs))} ${res.firstError ?? ''}` : ''}${othersNote(others)}`);
    const ok = errs.length === 0 && s.p99 < LIST_TARGET_MS;
    const name = v.primary ? `list p99 (3 filters + sort, ${rowsLabel} rows)` : `list p99 (${v.name}, ${rowsLabel} rows)`;
    out.push(resultLine(log, name, `${fmt(s.p99)} ms`, `< ${LIST_TARGET_MS} ms${v.primary ? '' : ' (extra)'}`, ok));
    if (!ok || opts.explain) await explainVariant(server, seeded, v.params.slice(warmup, warmup + 40), v.name, log);
  }
  return out;
}
