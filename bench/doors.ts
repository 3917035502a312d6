/**
 * Issue 5's door target: each door's list endpoint within 20% of the native list for the same
 * query on the same data. Each pair is timed with one request in flight (what a client waits
 * for), alternating door and native round by round; the median of the rounds' p50 ratios is
 * the result.
 */
import type { BenchServer } from './server.js';
import type { SeededDb } from './seed.js';
import { fmt, runLoadInWorker, summarize } from './http-load.js';
import { resultLine, type Log, type SummaryRow } from './report.js';
import { YEAR_END } from './synth.js';

export const DOOR_TARGET = 1.2;
const GREGORIAN_OFFSET = 62_167_219_200;

export interface DoorOptions { requests: number; rounds: number; log: Log }

export async function benchDoors(server: BenchServer, seeded: SeededDb, opts: DoorOptions): Promise<SummaryRow[]> {
  const token = await server.tokenFor(seeded.accountId);
  const to = Math.floor(YEAR_END / 1000) + GREGORIAN_OFFSET;
  const from = to - 2_682_000;
  // [door, its path, the native path asking the same of the same data]
  const pairs: Array<[string, string, string]> = [
    ['recordings list v1', '/v1/recordings?quantity=25&from=0', '/api/v1/recordings?pageSize=25'],
    ['recordings list v1, a month', '/v1/recordings?quantity=25&from=0&startdate=2024-06-01&enddate=2024-06-30', '/api/v1/recordings?pageSize=25&from=2024-06-01&to=2024-07-01'],
    ['Kazoo', `/v2/accounts/${seeded.accountId}/recordings?page_size=25&created_from=${from}&created_to=${to}`, '/api/v1/recordings?pageSize=25&sort=-createdAt'],
    ['Interaction Insights', '/api/integration/v1/recordings?pageSize=25', '/api/v1/recordings?pageSize=25'],
    ['Interaction Insights, a month', `/api/integration/v1/recordings?pageSize=25&filter=${encodeURIComponent('(from=2024-06-01T00:00:00Z,to=2024-06-30T23:59:59Z)')}&sort=-startTime`,
      '/api/v1/recordings?pageSize=25&from=2024-06-01&to=2024-07-01'],
    // Company recordings are those not made on demand: the same profileType condition natively.
    ['Vonage', '/t/vbc.prod/call_recording/api/accounts/self/company_call_recordings?page_size=25', '/api/v1/recordings?pageSize=25&profileType=fullTime,none'],
    ['Vonage, a month', '/t/vbc.prod/call_recording/api/accounts/self/company_call_recordings?page_size=25&start:gte=2024-06-01T00:00:00%2B0000&start:lte=2024-06-30T23:59:59%2B0000',
      '/api/v1/recordings?pageSize=25&profileType=fullTime,none&from=2024-06-01&to=2024-07-01'],
    ['Genesys', '/api/v2/recordings?startTime=0&offset=0&limit=25', '/api/v1/recordings?pageSize=25&from=1970-01-01T00:00:00Z'],
  ];
  const rows: SummaryRow[] = [];
  for (const [name, door, native] of pairs) {
    const ratios: number[] = [];
    let d50 = 0, n50 = 0;
    for (let round = 0; round < opts.rounds; round++) {
      const spec = (path: string) => ({ origin: server.origin, token, concurrency: 1, warmup: 20, paths: Array.from({ length: opts.requests + 20 }, () => path) });
      const d = await runLoadInWorker(spec(door));
      const n = await runLoadInWorker(spec(native));
      const bad = Object.keys(d.statuses).filter((s) => s !== '200');
      if (bad.length) throw new Error(`${name}: ${door} answered ${bad.join(', ')}: ${d.firstError ?? ''}`);
      const ds = summarize(d.latenciesMs), ns = summarize(n.latenciesMs);
      ratios.push(ds.p50 / ns.p50);
      d50 += ds.p50 / opts.rounds;
      n50 += ns.p50 / opts.rounds;
    }
    const ratio = [...ratios].sort((a, b) => a - b)[ratios.length >> 1]!;
    opts.log(`${name}: p50 ${fmt(d50, 2)} ms vs native ${fmt(n50, 2)} ms (round ratios ${ratios.map((r) => fmt(r, 2)).join(', ')})`);
    rows.push(resultLine(opts.log, `${name} list / native list, same query (p50, 1 in flight)`, `ratio ${fmt(ratio, 2)}`, `<= ${DOOR_TARGET}`, ratio <= DOOR_TARGET));
  }
  return rows;
}
