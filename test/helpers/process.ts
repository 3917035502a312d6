import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** Tests that need the real command line (separate processes, crashes) use these. */
export const BIN = resolve('bin/callvault.js');

/** Runs `callvault ARGS`, expects success, and parses its --json output. */
export function cliJson(args: string[]): Record<string, string> {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

/** Starts `callvault serve` on a free loopback port and resolves once it listens. */
export async function spawnServer(dataDir: string): Promise<{ child: ChildProcess; port: number; base: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((res, rej) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString();
      const m = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
      if (m) res(Number(m[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => rej(new Error(`server exited ${code}: ${text}`)));
  });
  return { child, port, base: `http://127.0.0.1:${port}` };
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** An account "acme" with one API client, made through the CLI; returns a token getter. */
export function provisionClient(dataDir: string): { token: (base: string) => Promise<string> } {
  cliJson(['admin', 'account', 'create', 'acme', '--json', '--data', dataDir]);
  const client = cliJson(['admin', 'client', 'create', '--account', 'acme', '--json', '--data', dataDir]);
  return {
    async token(base: string) {
      const res = await fetch(`${base}/oauth/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: client.client_id, client_secret: client.client_secret }),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    },
  };
}

export async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
