/**
 * The random test model: same seed, same bytes; the header says what whisper.cpp's loader reads;
 * and the real whisper-cli accepts the file and reports back the shapes we wrote.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parseCliJson } from '../../src/asr/whisper-json.js';
import { MINI_EN, TINY_EN, writeRandomWhisperModel } from '../fixtures/whisper-model.js';
import { melFilterBank, toHalf } from '../fixtures/whisper-model-math.js';
import { removeWhisperAudio, speechChannel, whisperBuild } from '../fixtures/whisper-engine.js';

const run = promisify(execFile);

describe('random whisper model', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'callvault-whisper-model-test-')); });
  after(async () => { await Promise.all([rm(dir, { recursive: true, force: true }), removeWhisperAudio()]); });

  it('packs float16 like IEEE 754 half precision', () => {
    const cases: [number, number][] = [[1, 0x3c00], [-2, 0xc000], [0.1, 0x2e66], [65504, 0x7bff], [1e6, 0x7c00], [2 ** -24, 0x0001], [1e-9, 0], [0, 0]];
    for (const [v, bits] of cases) assert.equal(toHalf(v), bits, `toHalf(${v})`);
  });

  it('writes the same bytes for the same seed and different ones for another', async () => {
    const a = await writeRandomWhisperModel(join(dir, 'a.bin'), MINI_EN, 7);
    const b = await writeRandomWhisperModel(join(dir, 'b.bin'), MINI_EN, 7);
    const c = await writeRandomWhisperModel(join(dir, 'c.bin'), MINI_EN, 8);
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.ok((await readFile(join(dir, 'a.bin'))).equals(await readFile(join(dir, 'b.bin'))));
  });

  it('starts with the magic, the hyperparameters and a mel filter bank', async () => {
    const path = join(dir, 'head.bin');
    await writeRandomWhisperModel(path, MINI_EN, 1);
    const fh = await open(path, 'r');
    const { buffer } = await fh.read(Buffer.alloc(56), 0, 56, 0);
    await fh.close();
    assert.equal(buffer.toString('latin1', 0, 4), 'lmgg', 'u32 0x67676d6c, little-endian');
    const hp = Array.from({ length: 11 }, (_, i) => buffer.readInt32LE(4 + 4 * i));
    assert.deepEqual(hp, [51864, 1500, 64, 2, 1, 448, 64, 2, 1, 80, 1]);
    assert.deepEqual([buffer.readInt32LE(48), buffer.readInt32LE(52)], [80, 201]);
    const bank = melFilterBank(80, 201);
    for (let m = 0; m < 80; m++) {
      const row = bank.subarray(m * 201, (m + 1) * 201);
      assert.ok(row.every((v) => v >= 0) && row.some((v) => v > 0), `filter ${m} is a non-empty triangle`);
    }
  });

  it('loads in the real whisper-cli, which reports the shapes written', async () => {
    const [{ binary }, audio] = await Promise.all([whisperBuild(), speechChannel(1)]);
    const path = join(dir, 'ggml-mini.bin');
    await writeRandomWhisperModel(path, MINI_EN, 1);
    const out = join(dir, 'mini');
    await run(binary, ['-m', path, '-f', audio.wavPath, '-ojf', '-of', out, '-np', '-t', '1', '-bs', '1', '-nf']);
    const json = parseCliJson(await readFile(`${out}.json`, 'utf8')) as { model?: Record<string, unknown> };
    assert.deepEqual(json.model, {
      type: 'unknown', multilingual: false, vocab: MINI_EN.nVocab, mels: 80, ftype: 1,
      audio: { ctx: 1500, state: 64, head: 2, layer: 1 }, text: { ctx: 448, state: 64, head: 2, layer: 1 },
    });
    assert.equal(TINY_EN.nAudioLayer, 4, 'the default model has the tiny shapes (checked loading in whisper.test.ts)');
  });
});
