/**
 * How audio is presented to pocketsphinx's en-us model, by source bandwidth.
 *
 * The model was trained on 16 kHz speech with mel filters from 130 Hz to 6.8 kHz, and its
 * feat.params overrides any -lowerf/-upperf/-nfilt given on the command line. Telephone audio
 * (8 kHz, so nothing above 4 kHz once resampled) leaves the top filters empty. Word error rates
 * measured on the speech test set (7 synthesised calls, 635 reference words per set; the G.711
 * copy is band-limited to 300–3400 Hz and mu-law coded):
 *
 *   first, with pocketsphinx_continuous and its own VAD:
 *     clean 16 kHz, model defaults                                  8.7 %
 *     G.711 → 16 kHz, model defaults                               57.2 %
 *     G.711, filters moved to the band (-featparams upperf 3500)   97.6 %  (3-call subset)
 *     G.711, filters 300–3400 Hz                                   92.0 %  (subset)
 *     G.711, -remove_noise no                                      41.6 %  (subset)
 *     G.711, -remove_noise no, -dither yes                         47.2 %  (subset)
 *     G.711, white noise at -60 dBFS added, -remove_noise no       38.8 %  (subset)
 *     G.711, spectral folding 0 / +3 / +6 dB, -remove_noise no     29.4 / 26.9 / 27.3 %  (subset)
 *     G.711, folding +3 dB, -remove_noise no                       26.1 %
 *   then as shipped, pocketsphinx_batch on our VAD windows:
 *     clean 16 kHz, model defaults                                  9.1 %
 *     G.711, model defaults                                        31.3 %
 *     G.711, -remove_noise no                                      29.1 %
 *     G.711, folding +3 dB                                         31.3 %
 *     G.711, folding +3 dB, -remove_noise no                       26.3 %   ← narrowband setting
 *
 * Moving the filters makes the cepstra unlike anything the model saw. Filling the empty band
 * with a mirror image of the telephone band (spectral folding, the oldest bandwidth-extension
 * trick) gives the upper filters energy that rises and falls with the speech, which is what the
 * model expects there; pocketsphinx's spectral noise subtraction must then be off, as it takes
 * the folded band for noise. Decoding at 8 kHz is no way out: the only en-us model Debian ships
 * is this 16 kHz one.
 */

/** Sources at or below this rate have nothing above 4 kHz and are folded. */
export const NARROWBAND_MAX_RATE = 8000;

export interface FrontEnd {
  kind: 'wideband' | 'narrowband';
  /** Extra decoder arguments for this kind of audio. */
  args: string[];
  /** Fold the 0–4 kHz band into 4–8 kHz before decoding (16 kHz PCM, in place). */
  fold?: (pcm: Buffer) => void;
}

/** Gain of the mirror image relative to the original band. */
const FOLD_GAIN_DB = 3;

export function frontEndFor(sourceSampleRate: number): FrontEnd {
  if (sourceSampleRate > NARROWBAND_MAX_RATE) return { kind: 'wideband', args: [] };
  return { kind: 'narrowband', args: ['-remove_noise', 'no'], fold: (pcm) => foldSpectrum(pcm, FOLD_GAIN_DB) };
}

/**
 * Adds the mirror image of the band below fs/4 to the band above it: multiplying a signal by
 * (-1)^n moves frequency f to fs/2 - f, and audio resampled from 8 kHz has nothing above 4 kHz
 * for the image to collide with. Scaled so the sum cannot clip.
 */
export function foldSpectrum(pcm: Buffer, gainDb: number): void {
  const g = 10 ** (gainDb / 20);
  const even = 1;
  const odd = (1 - g) / (1 + g);
  const n = pcm.length >> 1;
  for (let i = 0; i < n; i++) {
    const s = pcm.readInt16LE(i * 2);
    pcm.writeInt16LE(Math.round(s * (i & 1 ? odd : even)), i * 2);
  }
}
