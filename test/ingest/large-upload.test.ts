import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { provisionClient, spawnServer } from '../helpers/process.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MiB = 1024 * 1024;

/** A valid 16-bit stereo 48 kHz PCM WAV of `dataBytes` audio bytes, produced on the fly. */
function* wavChunks(dataBytes: number): Generator<Buffer> {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + dataBytes, 4); h.write('WAVE', 8);
  h.write('fmt ', 12); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(2, 22);
  h.writeUInt32LE(48000, 24); h.writeUInt32LE(48000 * 4, 28); h.writeUInt16LE(4, 32); h.writeUInt16LE(16, 34);
  h.write('data', 36); h.writeUInt32LE(dataBytes, 40);
  yield h;
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < block.length; i += 2) block.writeInt16LE(Math.round(8000 * Math.sin(i / 40)), i);
  for (let sent = 0; sent < dataBytes; sent += block.length) {
    block.writeUInt32LE(sent, 0); // every block differs, so the hash covers real content
    yield block.subarray(0, Math.min(block.length, dataBytes - sent));
  }
}

function peakRssKiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

describe('a large upload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callvault-large-'));
  let child: ChildProcess | undefined;
  after(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams 512 MiB through hashing, encryption and probing with bounded server memory', async () => {
    const client = provisionClient(dir);
    const server = await spawnServer(dir);
    child = server.child;
    const base = server.base;
    const token = await client.token(base);
    const created = (await (await fetch(`${base}/api/v1/recordings`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ startTime: '2026-11-01T00:00:00Z' }),
    })).json()) as { id: string };
    const before = peakRssKiB(child.pid!);

    const dataBytes = 512 * MiB;
    const hash = createHash('sha256');
    const status = await new Promise<{ code: number; body: string }>((res, rej) => {
      const req = request(`${base}/api/v1/recordings/${created.id}/media/big`, {
        method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/wav' },
      }, (r) => {
        let body = '';
        r.on('data', (d: Buffer) => { body += d.toString(); });
        r.on('end', () => res({ code: r.statusCode ?? 0, body }));
      });
      req.on('error', rej);
      const chunks = wavChunks(dataBytes);
      const pump = () => {
        for (let n = chunks.next(); !n.done; n = chunks.next()) {
          hash.update(n.value);
          if (!req.write(n.value)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    assert.equal(status.code, 201, status.body);
    const rec = JSON.parse(status.body) as { media: Array<{ id: string; size: number; sha256: string; durationMs: number }> };
    const media = rec.media.find((m) => m.id === 'big')!;
    assert.equal(media.size, dataBytes + 44);
    assert.equal(media.sha256, hash.digest('hex'));
    assert.ok(Math.abs(media.durationMs - (dataBytes / (48000 * 4)) * 1000) < 50, `duration ${media.durationMs}`);
    const grewMiB = (peakRssKiB(child.pid!) - before) / 1024;
    assert.ok(grewMiB < 128, `server peak memory grew by ${grewMiB.toFixed(0)} MiB for a 512 MiB upload`);

    // And a range from the far end decrypts without reading the rest.
    const tail = await fetch(`${base}/api/v1/recordings/${created.id}/media/big`, { headers: { authorization: `Bearer ${token}`, range: 'bytes=-16' } });
    assert.equal(tail.status, 206);
    assert.equal((await tail.arrayBuffer()).byteLength, 16);
  });
});
