/**
 * How busy is the machine apart from us? Throughput numbers on a 2-core box mean little if
 * another process (a test run, a compiler) held a core meanwhile, so each section reports the
 * CPU the rest of the machine used while it ran (Linux /proc/stat; silent elsewhere).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

interface Sample { busy: number; total: number; ownUs: number; at: number }

const TICK_US = 10_000; // USER_HZ = 100 on Linux

function sample(): Sample | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const own = process.cpuUsage();
    return { busy: total - idle, total, ownUs: own.user + own.system, at: performance.now() };
  } catch {
    return null;
  }
}

export interface Foreign { /** cores' worth of CPU used by other processes (and our child processes) */ cores: number }

/** Starts a measurement; call the result to get the foreign load since then. */
export function watchForeignLoad(): () => Foreign | null {
  const a = sample();
  return () => {
    const b = sample();
    if (!a || !b || b.total === a.total) return null;
    const seconds = (b.at - a.at) / 1000;
    const busyUs = (b.busy - a.busy) * TICK_US;
    const foreignUs = Math.max(0, busyUs - (b.ownUs - a.ownUs));
    return { cores: foreignUs / 1e6 / seconds };
  };
}

/** Idle for `ms` and report how many cores others kept busy meanwhile. */
export async function backgroundLoad(ms = 1000): Promise<number | null> {
  const done = watchForeignLoad();
  await new Promise((r) => setTimeout(r, ms));
  return done()?.cores ?? null;
}

export function describeLoad(cores: number | null): string {
  if (cores === null) return 'background load unknown';
  const n = cpus().length;
  const warn = cores > 0.25 ? ' — WARNING: other processes are using the CPU, numbers below are pessimistic' : '';
  return `background load ${cores.toFixed(2)} of ${n} cores${warn}`;
}

export interface QuietPolicy {
  /** Wait up to this long for the machine to go quiet before a measurement (0: never wait). */
  waitSeconds: number;
  /** Measure again (after waiting) when others used more than NOISY_CORES meanwhile. */
  retries: number;
  log: (line: string) => void;
}

export const QUIET_CORES = 0.1;
export const NOISY_CORES = 0.3;

export async function waitQuiet(policy: QuietPolicy, label: string): Promise<number | null> {
  let load = await backgroundLoad(500);
  if (policy.waitSeconds <= 0 || load === null || load <= QUIET_CORES) return load;
  const until = performance.now() + policy.waitSeconds * 1000;
  policy.log(`(${label}: waiting up to ${policy.waitSeconds} s for other processes to go quiet: ${load.toFixed(2)} cores busy)`);
  while (load !== null && load > QUIET_CORES && performance.now() < until) load = await backgroundLoad(2000);
  return load;
}

/**
 * Runs one measurement and reports how many cores other processes used meanwhile; with a
 * policy, waits for quiet first and repeats a measurement that others disturbed.
 * `ownExtraUs` is CPU (µs, cumulative) of our own child processes, not to be counted as others'.
 */
export async function measure<T>(label: string, policy: QuietPolicy | null, fn: () => Promise<T>,
  ownExtraUs?: () => Promise<number>): Promise<{ value: T; others: number | null }> {
  for (let attempt = 0; ; attempt++) {
    if (policy) await waitQuiet(policy, label);
    const extra0 = ownExtraUs ? await ownExtraUs() : 0;
    const watch = watchForeignLoad();
    const t0 = performance.now();
    const value = await fn();
    const seconds = (performance.now() - t0) / 1000;
    const extra = ownExtraUs ? (await ownExtraUs()) - extra0 : 0;
    const f = watch();
    const others = f ? Math.max(0, f.cores - extra / 1e6 / seconds) : null;
    if (!policy || others === null || others <= NOISY_CORES || attempt >= policy.retries) return { value, others };
    policy.log(`(${label}: other processes used ${others.toFixed(2)} cores meanwhile; measuring again)`);
  }
}

export const othersNote = (others: number | null) =>
  (others === null ? '' : `  [others used ${others.toFixed(2)} cores${others > NOISY_CORES ? ': DISTURBED' : ''}]`);
