/**
 * Ingest throughput: multipart uploads of a 30-second stereo G.711 μ-law WAV into a fresh
 * vault from one client, one at a time and with a few in flight. Every upload carries its own
 * sysCallId and Idempotency-Key, so neither dedup path collapses them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { makeFixture, removeFixtures } from '../test/fixtures/media.js';
import { fmt, httpRequest, keepAliveAgent, summarize } from './http-load.js';
import { resultLine, type Log, type SummaryRow } from './report.js';
import { measure, othersNote, type QuietPolicy } from './machine.js';

export const INGEST_TARGET_PER_S = 50;

export interface IngestOptions { seconds: number; concurrencies: number[]; quiet: QuietPolicy; log: Log }

interface Upload { head: Buffer; file: Buffer; tail: Buffer; contentType: string }

let counter = 0;

function upload(file: Buffer): Upload {
  const boundary = `----callvaultbench${randomBytes(8).toString('hex')}`;
  const n = ++counter;
  const start = Date.UTC(2025, 0, 1) + n * 60_000;
  const metadata = {
    startTime: new Date(start).toISOString(), callDirection: 'incoming', callType: 'pstn_p2p',
    sysCallId: `bench-ingest-${process.pid}-${n}`,
    calling: { phoneNumber: `+44 20 7946 ${String(n % 10000).padStart(4, '0')}` },
    called: { upn: 'agent.one@contoso.example', phoneNumber: '+1 555 0100 001' },
    tags: [{ tagName: 'bench' }],
  };
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n`
    + `${JSON.stringify(metadata)}\r\n--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="call-${n}.wav"\r\n`
    + 'Content-Type: audio/wav\r\n\r\n');
  return { head, file, tail: Buffer.from(`\r\n--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Asks the server child something over IPC and waits for the answer. */
async function ask<T>(child: ChildProcess, message?: string): Promise<T> {
  const ac = new AbortController();
  const answer = once(child, 'message', { signal: ac.signal }) as Promise<[T]>;
  const exited = once(child, 'exit', { signal: ac.signal }).then(() => { throw new Error('ingest server exited'); });
  if (message) child.send(message);
  try {
    const [m] = await Promise.race([answer, exited]);
    return m;
  } finally {
    ac.abort();
  }
}

export async function benchIngest(opts: IngestOptions): Promise<SummaryRow[]> {
  const { log } = opts;
  const path = await makeFixture('wav-mulaw', { seconds: 30, channels: 2 });
  const file = await readFile(path);
  const child = fork(new URL('./ingest-server.js', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const out: SummaryRow[] = [];
  try {
    const { origin: url, token } = await ask<{ origin: string; token: string }>(child);
    const origin = new URL(url);
    const send = async (agent: ReturnType<typeof keepAliveAgent>, keepBody = false) => {
      const u = upload(file);
      const length = u.head.length + u.file.length + u.tail.length;
      return httpRequest(agent, origin, 'POST', '/api/v1/recordings', {
        authorization: `Bearer ${token}`, 'content-type': u.contentType, 'content-length': length,
        'idempotency-key': `bench-${randomBytes(9).toString('hex')}`,
      }, [u.head, u.file, u.tail], keepBody);
    };

    const warm = keepAliveAgent(1);
    const first = await send(warm, true);
    if (first.status !== 201) throw new Error(`upload failed: ${first.status} ${first.body?.slice(0, 300)}`);
    const rec = JSON.parse(first.body!) as { media: Array<{ codec: string; channels: number; durationMs: number; size: number }> };
    const m = rec.media[0]!;
    log(`ingest: fixture ${file.length} bytes -> stored as ${m.codec}, ${m.channels} ch, ${m.durationMs} ms; server in its own process`);
    for (let i = 0; i < 4; i++) await send(warm);
    warm.destroy();

    // The server child's CPU (with its reaped ffprobe children) is ours, not background noise.
    const serverCpuUs = async () => (await ask<{ cpuUs: number }>(child, 'cpu')).cpuUs;
    for (const c of opts.concurrencies) {
      const label = c === 1 ? 'sequential' : `${c} in flight`;
      const { value: run, others } = await measure(`ingest [${label}]`, opts.quiet, async () => {
        const agent = keepAliveAgent(c);
        const latencies: number[] = [];
        const statuses: Record<string, number> = {};
        let firstError = '';
        const t0 = performance.now();
        const deadline = t0 + opts.seconds * 1000;
        await Promise.all(Array.from({ length: c }, async () => {
          while (performance.now() < deadline) {
            const s = performance.now();
            const r = await send(agent);
            latencies.push(performance.now() - s);
            statuses[r.status] = (statuses[r.status] ?? 0) + 1;
            if (r.status !== 201 && !firstError) firstError = `${r.status} ${r.body ?? ''}`.slice(0, 300);
          }
        }));
        agent.destroy();
        return { latencies, statuses, firstError, seconds: (performance.now() - t0) / 1000 };
      }, serverCpuUs);
      const created = run.statuses['201'] ?? 0;
      const rate = created / run.seconds;
      const s = summarize(run.latencies);
      log(`ingest [${label}]: ${created} recordings in ${fmt(run.seconds, 1)} s = ${fmt(rate)} /s, `
        + `${fmt((created * file.length) / 1e6 / run.seconds)} MB/s, latency p50 ${fmt(s.p50)} ms p99 ${fmt(s.p99)} ms`
        + `${run.firstError ? `  other answers: ${JSON.stringify(run.statuses)} ${run.firstError}` : ''}${othersNote(others)}`);
      out.push(resultLine(log, `ingest 30 s stereo μ-law WAV (${label})`, `${fmt(rate)} rec/s`,
        `>= ${INGEST_TARGET_PER_S} rec/s`, !run.firstError && rate >= INGEST_TARGET_PER_S));
    }
    const { rss } = await ask<{ rss: number }>(child, 'rss');
    log(`ingest: server process RSS ${Math.round(rss / 1e6)} MB at the end (each ffprobe spawn forks the server: cost grows with RSS)`);
  } finally {
    if (child.exitCode === null) {
      child.send('stop');
      await once(child, 'exit');
    }
    await removeFixtures();
  }
  return out;
}
