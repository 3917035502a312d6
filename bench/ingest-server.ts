/**
 * Child-process entry for the ingest bench: a fresh vault server in its own process, as in
 * production. This matters for uploads: every ffprobe spawn forks the server process, and a
 * fork costs in proportion to the forking process's memory, so the server must not carry the
 * bench runner's heap. Talks to the parent over IPC: sends {origin, token}, answers 'rss',
 * stops on 'stop'.
 */
import { readFileSync } from 'node:fs';
import { startBenchServer } from './server.js';

/** This process's CPU plus that of its waited-for children (ffprobe), µs, from /proc (Linux). */
function cpuUs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    // fields 14-17 (utime, stime, cutime, cstime) are at 11-14 after the command name
    return ((f[11] ?? 0) + (f[12] ?? 0) + (f[13] ?? 0) + (f[14] ?? 0)) * 10_000;
  } catch {
    const u = process.cpuUsage();
    return u.user + u.system;
  }
}

const server = await startBenchServer();
const { token } = await server.newAccount();
const send = (m: unknown) => process.send?.(m);
send({ origin: server.origin, token });
process.on('message', (m) => {
  if (m === 'rss') send({ rss: process.memoryUsage().rss });
  if (m === 'cpu') send({ cpuUs: cpuUs() });
  if (m === 'stop') {
    void server.stop().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => {
  void server.stop().finally(() => process.exit(0));
});
