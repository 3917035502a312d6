/**
 * The mapping from whisper-cli's full JSON to engine segments, on output shaped exactly as the
 * CLI writes it (tab-indented, quotes and backslashes escaped, nothing else), including the cases
 * real models produce but a random model rarely does: newline tokens, NaN probabilities, timestamps
 * past the end of the audio, non-speech markers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCliJson, segmentsFromCli } from '../../src/asr/whisper-json.js';

interface Tok { text: string; id: number; from: number; to: number; p: string }

/** Writes a segment the way cli.cpp's output_json does, raw control characters and all. */
function cliSegment(from: number, to: number, text: string, tokens: Tok[]): string {
  const toks = tokens.map((t) => `\t\t\t\t{\n\t\t\t\t\t"text": "${t.text}",\n\t\t\t\t\t"offsets": {\n\t\t\t\t\t\t"from": ${t.from},\n`
    + `\t\t\t\t\t\t"to": ${t.to}\n\t\t\t\t\t},\n\t\t\t\t\t"id": ${t.id},\n\t\t\t\t\t"p": ${t.p},\n\t\t\t\t\t"t_dtw": -1\n\t\t\t\t}`).join(',\n');
  return `\t\t{\n\t\t\t"offsets": {\n\t\t\t\t"from": ${from},\n\t\t\t\t"to": ${to}\n\t\t\t},\n\t\t\t"text": "${text}",\n\t\t\t"tokens": [\n${toks}\n\t\t\t]\n\t\t}`;
}

function cliOutput(segments: string[], vocab = 51864): string {
  return `{\n\t"model": {\n\t\t"type": "tiny",\n\t\t"multilingual": ${vocab >= 51865},\n\t\t"vocab": ${vocab}\n\t},\n`
    + `\t"transcription": [\n${segments.join(',\n')}\n\t]\n}\n`;
}

const tok = (text: string, id: number, from: number, to: number, p = '0.9'): Tok => ({ text, id, from, to, p });

describe('whisper-cli JSON', () => {
  it('parses raw control characters inside strings and bare nan/inf numbers', () => {
    const raw = cliOutput([cliSegment(0, 1000, ' Hello\tthere\nfriend \\"x\\"', [
      tok('[_BEG_]', 50363, 0, 0), tok(' Hello', 15947, 0, 400, 'nan'), tok('\t', 197, 400, 400, '-nan'),
      tok('there\n', 8117, 400, 700, 'inf'), tok(' friend', 1545, 700, 1000, '0.5'),
    ])]);
    assert.throws(() => JSON.parse(raw), SyntaxError, 'the CLI output really is invalid JSON as written');
    const out = parseCliJson(raw);
    const seg = out.transcription?.[0];
    assert.equal(seg?.text, ' Hello\tthere\nfriend "x"');
    assert.equal(seg?.tokens?.[1]?.p, null);
    assert.equal(seg?.tokens?.[3]?.p, null);
    assert.equal(seg?.tokens?.[4]?.p, 0.5);
  });

  it('builds words from tokens by their leading space, skipping control and timestamp tokens', () => {
    const out = parseCliJson(cliOutput([cliSegment(500, 2500, ' Hello, wonderful world.', [
      tok('[_BEG_]', 50363, 500, 500), tok(' Hello', 15947, 520, 800, '0.8'), tok(',', 11, 800, 850, '0.6'),
      tok(' wonder', 4240, 900, 1300), tok('ful', 913, 1300, 1500), tok(' world', 995, 1600, 2100), tok('.', 13, 2100, 2200),
      tok('[_TT_125]', 50488, 2500, 2500), tok('<|endoftext|>', 50256, 2500, 2500),
    ])]));
    const segs = segmentsFromCli(out, 10_000);
    assert.equal(segs.length, 1);
    assert.deepEqual(segs[0]?.words?.map((w) => [w.text, w.startMs, w.endMs]), [
      ['Hello,', 520, 850], ['wonderful', 900, 1500], ['world.', 1600, 2200],
    ]);
    assert.equal(segs[0]?.text, 'Hello, wonderful world.');
    assert.ok(Math.abs((segs[0]?.words?.[0]?.confidence ?? 0) - 0.7) < 1e-9, 'word confidence is the mean of its tokens');
  });

  it('treats ids from end-of-text up as special, by vocabulary kind', () => {
    const seg = cliSegment(0, 1000, ' a b', [tok(' a', 50256, 0, 500), tok(' b', 50257, 500, 1000)]);
    assert.deepEqual(segmentsFromCli(parseCliJson(cliOutput([seg], 51864)), 5000)[0]?.words, undefined,
      'English-only: 50256 is end-of-text and 50257 start-of-transcript');
    assert.deepEqual(segmentsFromCli(parseCliJson(cliOutput([seg], 51865)), 5000)[0]?.words?.map((w) => w.text), ['a'],
      'multilingual: 50256 is a text token');
  });

  it('clamps times to the audio, orders segments and drops non-speech markers and empty text', () => {
    const out = parseCliJson(cliOutput([
      cliSegment(3000, 29_000, ' late', [tok(' late', 3580, 3100, 29_000)]),
      cliSegment(0, 1000, ' [BLANK_AUDIO]', []),
      cliSegment(1000, 2000, ' (upbeat music)', []),
      cliSegment(2000, 2500, '   ', []),
      cliSegment(-40, 900, ' early', [tok(' early', 1903, -40, 900)]),
    ]));
    const segs = segmentsFromCli(out, 4000);
    assert.deepEqual(segs.map((s) => [s.text, s.startMs, s.endMs]), [['early', 0, 900], ['late', 3000, 4000]]);
    assert.deepEqual(segs.map((s) => s.words?.map((w) => [w.startMs, w.endMs])), [[[0, 900]], [[3100, 4000]]]);
  });

  it('keeps words in time order when token timestamps step backwards', () => {
    const out = parseCliJson(cliOutput([cliSegment(0, 3000, ' one two three', [
      tok(' one', 530, 0, 1000), tok(' two', 734, 600, 800), tok(' three', 1115, 1500, 2000),
    ])]));
    const words = segmentsFromCli(out, 3000)[0]?.words ?? [];
    assert.deepEqual(words.map((w) => [w.text, w.startMs, w.endMs]), [['one', 0, 1000], ['two', 600, 800], ['three', 1500, 2000]]);
    const back = parseCliJson(cliOutput([cliSegment(0, 3000, ' one two', [tok(' one', 530, 900, 1000), tok(' two', 734, 400, 500)])]));
    assert.deepEqual(segmentsFromCli(back, 3000)[0]?.words?.map((w) => [w.startMs, w.endMs]), [[900, 1000], [900, 900]]);
  });
});
