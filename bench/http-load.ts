/**
 * A small keep-alive HTTP load generator on node:http: a fixed list of request paths, a fixed
 * number in flight, per-request latency. It can run on this thread or on a worker thread (so
 * the client has its own event loop and, on a multi-core box, its own core).
 */
import { Agent, request, type OutgoingHttpHeaders } from 'node:http';
import { Worker } from 'node:worker_threads';

export interface LoadSpec {
  origin: string;
  token: string;
  /** GET paths, sent in order (path i goes out once i-1 others have been started). */
  paths: string[];
  concurrency: number;
  /** The first `warmup` paths are sent but not measured. */
  warmup?: number;
  /** Stop starting new requests after this long (measured phase only). */
  maxMs?: number;
}

export interface LoadResult {
  /** Latency of each measured request, ms, in completion order. */
  latenciesMs: number[];
  seconds: number;
  reqPerSec: number;
  statuses: Record<string, number>;
  bytes: number;
  /** Body of the first non-2xx answer, for diagnosis. */
  firstError?: string;
}

export interface Reply { status: number; bytes: number; body?: string }

/** One request on a keep-alive agent; the body is kept only when asked or on an error status. */
export function httpRequest(agent: Agent, origin: URL, method: string, path: string, headers: OutgoingHttpHeaders,
  body?: Buffer[], keepBody = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: origin.hostname, port: origin.port, method, path, headers, agent }, (res) => {
      const status = res.statusCode ?? 0;
      const keep = keepBody || status >= 300;
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (keep) chunks.push(c);
      });
      res.on('end', () => resolve({ status, bytes, ...(keep ? { body: Buffer.concat(chunks).toString('utf8') } : {}) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body) for (const b of body) req.write(b);
    req.end();
  });
}

export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, scheduling: 'fifo' });
}

/** Runs the load on the current thread. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const origin = new URL(spec.origin);
  const agent = keepAliveAgent(spec.concurrency);
  const headers = { authorization: `Bearer ${spec.token}` };
  const statuses: Record<string, number> = {};
  let firstError: string | undefined;
  let bytes = 0;

  const phase = async (paths: string[], latencies: number[] | null, deadline: number) => {
    let next = 0;
    const lane = async () => {
      while (next < paths.length && performance.now() < deadline) {
        const path = paths[next++]!;
        const t0 = performance.now();
        const r = await httpRequest(agent, origin, 'GET', path, headers).catch((e: Error) => {
          throw new Error(`GET ${path}: ${e.message}`);
        });
        const dt = performance.now() - t0;
        if (!latencies) continue;
        latencies.push(dt);
        bytes += r.bytes;
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status >= 300 && firstError === undefined) firstError = `${r.status} ${r.body ?? ''}`.slice(0, 500);
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, lane));
  };

  try {
    const warm = Math.min(spec.warmup ?? 0, spec.paths.length);
    if (warm > 0) await phase(spec.paths.slice(0, warm), null, Infinity);
    const latenciesMs: number[] = [];
    const t0 = performance.now();
    await phase(spec.paths.slice(warm), latenciesMs, spec.maxMs ? t0 + spec.maxMs : Infinity);
    const seconds = (performance.now() - t0) / 1000;
    return { latenciesMs, seconds, reqPerSec: latenciesMs.length / seconds, statuses, bytes, ...(firstError ? { firstError } : {}) };
  } finally {
    agent.destroy();
  }
}

/** Runs the same load on a worker thread and hands back its result. */
export function runLoadInWorker(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: spec });
    let done = false;
    worker.once('message', (r: LoadResult) => {
      done = true;
      resolve(r);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`load worker exited with code ${code} before reporting`));
    });
  });
}

export interface LatencySummary { n: number; p50: number; p95: number; p99: number; max: number; mean: number }

/** Nearest-rank percentiles. */
export function summarize(latencies: number[]): LatencySummary {
  const s = Float64Array.from(latencies).sort();
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s.length ? s[s.length - 1]! : NaN, mean };
}

export const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
