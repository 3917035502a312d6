import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { chmod, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { ErrorCode } from '../../src/core/errors.js';
import { resolveMediaTools, type MediaTools } from '../../src/media/binaries.js';
import { activeProbes, startProbe, type MediaFacts, type ProbeOptions } from '../../src/media/probe.js';
import { probeWith, refusal } from './util.js';
import { fixtureDir, makeFixture, removeFixtures } from '../fixtures/media.js';

let tools: MediaTools;
before(async () => {
  tools = await resolveMediaTools();
});
after(removeFixtures);

const probeFile = (file: string, opts?: ProbeOptions, ffprobe = tools.ffprobe): Promise<MediaFacts> => probeWith(ffprobe, file, opts);

/** Pids of our live ffprobe children, from /proc (Linux). */
async function ffprobeChildren(): Promise<number[]> {
  const pids: number[] = [];
  for (const tid of await readdir(`/proc/${process.pid}/task`)) {
    const list = await readFile(`/proc/${process.pid}/task/${tid}/children`, 'utf8').catch(() => '');
    for (const pid of list.split(/\s+/).filter(Boolean)) {
      const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
      if (/ffprobe|sleep|sh/.test(comm)) pids.push(Number(pid));
    }
  }
  return pids;
}

async function noChildrenLeft(): Promise<void> {
  for (let i = 0; i < 50 && (activeProbes() > 0 || (await ffprobeChildren()).length > 0); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(activeProbes(), 0);
  assert.deepEqual(await ffprobeChildren(), []);
}

void describe('streaming behaviour', () => {
  void test('a 30-minute mono 8 kHz μ-law WAV probes exactly with bounded memory', async () => {
    const file = await makeFixture('wav-mulaw', { seconds: 1800, channels: 1, sampleRate: 8000 });
    assert.ok((await stat(file)).size > 14_000_000);
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      const facts = await probeFile(file);
      peak = Math.max(peak, process.memoryUsage().rss);
      assert.equal(facts.durationMs, 1_800_000);
      assert.equal(facts.bitRate !== undefined && Math.abs(facts.bitRate - 64_000) < 100, true);
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peak - base) / 1e6;
    assert.ok(growthMb < 50, `RSS grew by ${growthMb.toFixed(1)} MB`);
  });

  void test('aborting the sink halfway rejects the result and leaves no child process', async () => {
    const data = await readFile(await makeFixture('wav-mulaw', { seconds: 10 }));
    const { sink, result } = startProbe(tools);
    await new Promise<void>((res) => sink.write(data.subarray(0, data.length >> 1), () => res()));
    assert.equal(activeProbes(), 1);
    sink.destroy(new Error('client went away'));
    const err = await refusal(result);
    assert.match(err.message, /aborted/);
    await noChildrenLeft();
  });

  void test('destroying the sink without an error also rejects and kills the child', async () => {
    const data = await readFile(await makeFixture('wav-mulaw'));
    const { sink, result } = startProbe(tools);
    sink.write(data.subarray(0, 1000));
    sink.destroy();
    await refusal(result);
    await noChildrenLeft();
  });

  void test('when ffprobe quits early the sink keeps accepting and discarding the rest of the upload', async () => {
    const dir = await fixtureDir();
    const big = join(dir, 'big-text.txt');
    await writeFile(big, 'not audio at all\n'.repeat(400_000)); // ~6.8 MB, far past any pipe buffer
    const { sink, result } = startProbe(tools, { declaredType: 'audio/wav' });
    let seen = 0;
    const src = createReadStream(big);
    src.on('data', (c) => (seen += c.length));
    await pipeline(src, sink); // must finish: no EPIPE, no stall
    assert.equal(seen, (await stat(big)).size);
    const err = await refusal(result);
    assert.equal(err.code, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    await noChildrenLeft();
  });

  void test('the sink applies backpressure while ffprobe is not reading, and a destroy then frees it', async () => {
    const script = join(await fixtureDir(), 'stuck-ffprobe.sh');
    await writeFile(script, '#!/bin/sh\nexec sleep 30\n');
    await chmod(script, 0o755);
    const { sink, result } = startProbe({ ffprobe: script });
    const chunk = Buffer.alloc(4 * 1024, 0x7f);
    let written = 0;
    while (sink.write(chunk)) {
      written += chunk.length;
      assert.ok(written < 8 * 1024 * 1024, 'the sink never pushed back');
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(sink.writableLength > 0, 'writes are held while the child does not read');
    sink.destroy();
    await refusal(result);
    await noChildrenLeft();
  });

  void test('a probe that hangs after the end of input times out and its child is killed', async () => {
    const script = join(await fixtureDir(), 'hanging-ffprobe.sh');
    await writeFile(script, '#!/bin/sh\ncat > /dev/null\nexec sleep 30\n');
    await chmod(script, 0o755);
    const { sink, result } = startProbe({ ffprobe: script }, { timeoutMs: 200 });
    sink.end(Buffer.alloc(1000, 1));
    const err = await refusal(result);
    assert.match(err.message, /did not finish within 200 ms/);
    await noChildrenLeft();
  });

  void test('a missing ffprobe binary rejects the probe without crashing the upload', async () => {
    const { sink, result } = startProbe({ ffprobe: '/nonexistent/ffprobe' });
    await pipeline(createReadStream(await makeFixture('wav-mulaw')), sink);
    const err = await refusal(result);
    assert.equal(err.code, ErrorCode.INTERNAL_SERVER_ERROR);
    assert.match(err.message, /could not run ffprobe/);
    assert.equal(activeProbes(), 0);
  });
});
