import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldSpectrum, frontEndFor } from '../../src/asr/pocketsphinx-frontend.js';

/** Magnitude of frequency `hz` in 16 kHz PCM (one DFT bin). */
function magnitude(pcm: Buffer, hz: number): number {
  let re = 0;
  let im = 0;
  const n = pcm.length >> 1;
  for (let i = 0; i < n; i++) {
    const s = pcm.readInt16LE(i * 2);
    re += s * Math.cos((2 * Math.PI * hz * i) / 16_000);
    im -= s * Math.sin((2 * Math.PI * hz * i) / 16_000);
  }
  return Math.hypot(re, im) / n;
}

function tone(hz: number, samples: number): Buffer {
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 16_000)), i * 2);
  return pcm;
}

describe('pocketsphinx front end', () => {
  it('folds telephone audio and leaves wide-band audio alone', () => {
    const narrow = frontEndFor(8000);
    assert.equal(narrow.kind, 'narrowband');
    assert.deepEqual(narrow.args, ['-remove_noise', 'no']);
    assert.ok(narrow.fold);
    const wide = frontEndFor(16_000);
    assert.equal(wide.kind, 'wideband');
    assert.deepEqual(wide.args, []);
    assert.equal(wide.fold, undefined);
  });

  it('mirrors a 1 kHz tone to 7 kHz, 3 dB above the original, without clipping', () => {
    const pcm = tone(1000, 1600);
    assert.ok(magnitude(pcm, 7000) < 1, 'nothing at 7 kHz before');
    foldSpectrum(pcm, 3);
    const low = magnitude(pcm, 1000);
    const image = magnitude(pcm, 7000);
    assert.ok(Math.abs(20 * Math.log10(image / low) - 3) < 0.1, `image/original ${20 * Math.log10(image / low)} dB`);
    let peak = 0;
    for (let i = 0; i < pcm.length; i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)));
    assert.ok(peak <= 8000, `peak ${peak} stays within the input's`);
  });
});
