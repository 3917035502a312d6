import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prepareChannel, type PreparedChannel } from '../../src/asr/audio.js';
import { readSamples, readWavInfo } from '../../src/asr/wav.js';
import { VaultError } from '../../src/core/errors.js';
import { resolveMediaTools } from '../../src/media/binaries.js';
import { makeFixture, removeFixtures } from '../fixtures/media.js';
import { makeCall, removeSpeechFixtures, type SpeechCall } from '../fixtures/speech/generate.js';

let ffmpeg: string;
let call: SpeechCall;
let privateTmp: string;
const originalTmp = process.env.TMPDIR;

/** RMS of samples [fromMs, toMs) of a prepared channel. */
async function rms(p: PreparedChannel, fromMs: number, toMs: number): Promise<number> {
  const info = await readWavInfo(p.wavPath);
  const buf = await readSamples(p.wavPath, info, fromMs * 16, toMs * 16);
  let sum = 0;
  for (let i = 0; i < buf.length; i += 2) sum += buf.readInt16LE(i) ** 2;
  return Math.sqrt(sum / (buf.length / 2));
}

async function expectUnprocessable(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof VaultError, String(err));
    assert.equal(err.code, 'UNPROCESSABLE');
    assert.match(err.message, pattern);
    return true;
  });
}

before(async () => {
  ffmpeg = (await resolveMediaTools()).ffmpeg;
  call = await makeCall('billing-question');
  // Every temporary folder of this process lands here, so leftovers can be counted.
  privateTmp = await mkdtemp(join(tmpdir(), 'callvault-audio-test-'));
  process.env.TMPDIR = privateTmp;
});

after(async () => {
  process.env.TMPDIR = originalTmp;
  if (originalTmp === undefined) delete process.env.TMPDIR;
  await rm(privateTmp, { recursive: true, force: true });
  await removeSpeechFixtures();
  await removeFixtures();
});

describe('prepareChannel', () => {
  it('takes the asked channel: the agent speaks on 0, the customer on 1', async () => {
    const agentTurn = call.turns.find((t) => t.speaker === 'agent')!;
    const customerTurn = call.turns.find((t) => t.speaker === 'customer')!;
    const left = await prepareChannel(ffmpeg, call.stereoWav, { channel: 0 });
    const right = await prepareChannel(ffmpeg, call.stereoWav, { channel: 1 });
    try {
      const leftAgent = await rms(left, agentTurn.startMs, agentTurn.endMs);
      const leftCustomer = await rms(left, customerTurn.startMs, customerTurn.endMs);
      const rightAgent = await rms(right, agentTurn.startMs, agentTurn.endMs);
      const rightCustomer = await rms(right, customerTurn.startMs, customerTurn.endMs);
      assert.ok(leftAgent > 1000, `agent speech on channel 0 has RMS ${leftAgent}`);
      assert.ok(rightCustomer > 1000, `customer speech on channel 1 has RMS ${rightCustomer}`);
      assert.ok(leftCustomer < 5 && rightAgent < 5, `the other party is silent: ${leftCustomer}, ${rightAgent}`);
      assert.equal(left.sourceSampleRate, 16_000);
      assert.ok(Math.abs(left.durationMs - call.durationMs) <= 20, `${left.durationMs} vs ${call.durationMs}`);
    } finally {
      await left.cleanup();
      await right.cleanup();
    }
  });

  it('writes a private 16 kHz mono WAV with the bare 44-byte header and removes it on cleanup', async () => {
    const p = await prepareChannel(ffmpeg, call.g711Wav, { channel: 1 });
    const info = await readWavInfo(p.wavPath);
    assert.deepEqual([info.sampleRate, info.channels, info.bitsPerSample, info.dataOffset], [16_000, 1, 16, 44]);
    assert.equal(p.sourceSampleRate, 8000, 'telephone audio says where it came from');
    assert.equal((await stat(p.wavPath)).mode & 0o777, 0o600);
    assert.equal((await stat(dirname(p.wavPath))).mode & 0o777, 0o700);
    await p.cleanup();
    await assert.rejects(stat(dirname(p.wavPath)), { code: 'ENOENT' });
    await p.cleanup();
  });

  it('decodes a stream as well as a path', async () => {
    const fromPath = await prepareChannel(ffmpeg, call.g711Wav, { channel: 0 });
    const fromStream = await prepareChannel(ffmpeg, createReadStream(call.g711Wav), { channel: 0 });
    try {
      assert.equal(fromStream.durationMs, fromPath.durationMs);
      const turn = call.turns[0]!;
      assert.equal(Math.round(await rms(fromStream, turn.startMs, turn.endMs)), Math.round(await rms(fromPath, turn.startMs, turn.endMs)));
    } finally {
      await fromPath.cleanup();
      await fromStream.cleanup();
    }
  });

  it('passes input arguments for headerless audio (raw stereo mu-law)', async () => {
    const raw = await makeFixture('raw-pcmu', { channels: 2, seconds: 2 });
    const p = await prepareChannel(ffmpeg, raw, { channel: 1, inputArgs: ['-f', 'mulaw', '-ar', '8000', '-ac', '2'] });
    try {
      assert.equal(p.sourceSampleRate, 8000);
      assert.ok(Math.abs(p.durationMs - 2000) <= 20, String(p.durationMs));
      assert.ok((await rms(p, 100, 1900)) > 100, 'the tone of channel 1 is there');
    } finally {
      await p.cleanup();
    }
  });

  it('refuses undecodable input with ffmpeg\'s reason and leaves no file behind', async () => {
    const junk = join(privateTmp, 'junk.wav');
    await writeFile(junk, Buffer.from('RIFF\x10\x00\x00\x00WAVEjunkjunkjunk this is not audio at all'.repeat(20)));
    const before = (await readdir(privateTmp)).length;
    await expectUnprocessable(prepareChannel(ffmpeg, junk, { channel: 0 }), /could not be decoded: .*(invalid|error|no audio)/i);
    const stream = createReadStream(junk);
    await expectUnprocessable(prepareChannel(ffmpeg, stream, { channel: 0 }), /could not be decoded|no audio/i);
    assert.ok(stream.destroyed, 'the input stream is released, not left open');
    assert.equal((await readdir(privateTmp)).length, before, 'the temporary folders were removed');
  });

  it('names the channels there are when asked for one that is not', async () => {
    await expectUnprocessable(prepareChannel(ffmpeg, call.stereoWav, { channel: 2 }), /has 2 channel\(s\); channel 2 does not exist/);
  });
});
