import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VaultError } from '../../src/core/errors.js';
import type { Cue } from '../../src/transcripts/model.js';
import { formatVttTime, parseWebVtt, toWebVtt } from '../../src/transcripts/vtt.js';

/** xorshift32, so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** Pieces that have broken WebVTT writers: markup, arrows, blank lines, references, odd whitespace. */
const NASTY = ['>', '<', '&', '&amp;', '&lt;', '-->', '--', '<v Eve>', '</v>', '<b>', '.', ':', '\n', '\r\n', '\r', '\n\n', '\t', ' ', '  ',
  'WEBVTT', 'NOTE', 'STYLE', '00:00:01.000 --> 00:00:02.000', '\0', '\u00a0', '\u2028', '\u200f', 'é', 'e\u0301', '😀', '"', "'", '&#65;', 'Ω', '\f'];
const PLAIN = ['refund', 'Alice', 'Agent', 'card', 'thanks', 'O\'Brien', '12', 'ok'];

function randomText(r: () => number, max: number): string {
  let s = '';
  const n = Math.floor(r() * max);
  for (let k = 0; k < n; k++) s += r() < 0.5 ? NASTY[Math.floor(r() * NASTY.length)]! : PLAIN[Math.floor(r() * PLAIN.length)]!;
  return s;
}

function randomCue(r: () => number): Cue {
  const start = r() < 0.1 ? -r() * 1000 : r() * (r() < 0.1 ? 400 * 3_600_000 : 600_000);
  return { startMs: start, endMs: start + (r() - 0.2) * 10_000, speaker: randomText(r, 6), channel: Math.floor(r() * 3), text: randomText(r, 12) };
}

// What the reader must give back: the writer's documented normalisation, restated independently.
const ws = /[\t\n\f\r ]+/g;
const expectSpeaker = (s: string) => s.replace(/\0/g, '\ufffd').replace(ws, ' ').trim() || undefined;
const expectText = (t: string) => t.replace(/\0/g, '\ufffd').split(/\r\n|\r|\n/).filter((l) => l.trim() !== '').join('\n');

describe('WebVTT round trip', () => {
  it('reads back every file the writer produces (500 random transcripts)', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const r = rng(seed);
      const cues = Array.from({ length: Math.floor(r() * 8) }, () => randomCue(r));
      const vtt = toWebVtt(cues, r() < 0.3 ? { title: randomText(r, 4) } : {});
      const back = parseWebVtt(vtt).cues;
      const expected = cues.map((c, i) => ({ c, i })).sort((a, b) => a.c.startMs - b.c.startMs || a.i - b.i).map(({ c }, n) => {
        const startMs = Math.max(0, Math.round(c.startMs));
        const speaker = expectSpeaker(c.speaker);
        return { id: String(n + 1), startMs, endMs: Math.max(startMs, Math.round(c.endMs)), text: expectText(c.text), ...(speaker ? { speaker } : {}) };
      });
      assert.deepEqual(back, expected, `seed ${seed}:\n${vtt}`);
      for (let k = 1; k < back.length; k++) assert.ok(back[k]!.startMs >= back[k - 1]!.startMs, `seed ${seed}: cues out of order`);
    }
  });

  it('never lets a speaker name or text break the voice tag or end a cue early', () => {
    const vtt = toWebVtt([{ startMs: 0, endMs: 1000, speaker: 'Eve> <b>x</b> & co\n\nNOTE', channel: 0, text: 'a --> b\n\n\n00:00:09.000 --> 00:00:10.000\nend' }]);
    assert.ok(!/-->.*-->/.test(vtt.split('\n').slice(3).join('\n')), 'no arrow in the cue text');
    assert.ok(!vtt.split('\n').slice(3, -1).includes(''), 'no blank line inside the cue');
    assert.deepEqual(parseWebVtt(vtt).cues, [{
      id: '1', startMs: 0, endMs: 1000, speaker: 'Eve> <b>x</b> & co NOTE', text: 'a --> b\n00:00:09.000 --> 00:00:10.000\nend',
    }]);
  });

  it('writes the header, numbered identifiers and HH:MM:SS.mmm times', () => {
    const vtt = toWebVtt([
      { startMs: 3_723_004.4, endMs: 3_724_000, speaker: 'Customer', channel: 1, text: 'second' },
      { startMs: 500, endMs: 400, speaker: 'Alice Agent', channel: 0, text: 'first' },
    ]);
    assert.equal(vtt, 'WEBVTT\n\n1\n00:00:00.500 --> 00:00:00.500\n<v Alice Agent>first\n\n2\n01:02:03.004 --> 01:02:04.000\n<v Customer>second\n');
    assert.equal(formatVttTime(400 * 3_600_000 + 1), '400:00:00.001');
    assert.equal(toWebVtt([], { title: 'x\n--> y' }), 'WEBVTT x -> y\n');
    assert.equal(toWebVtt([{ startMs: 0, endMs: 1, speaker: 'Bob', channel: 0, text: 'hi' }], { voices: false }).split('\n')[4], 'hi');
  });

  it('refuses cues without finite times', () => {
    assert.throws(() => toWebVtt([{ startMs: NaN, endMs: 1, speaker: 'a', channel: 0, text: 'x' }]), (e: unknown) => e instanceof VaultError && e.code === 'INVALID_REQUEST');
  });
});

describe('WebVTT reader: the W3C parsing rules', () => {
  it('takes a BOM, text after the signature and any line ending', () => {
    for (const nl of ['\n', '\r\n', '\r']) {
      const file = `\ufeffWEBVTT\tKind: captions${nl}Language: en${nl}${nl}a${nl}00:01.000 --> 00:02.000${nl}hello${nl}world${nl}`;
      assert.deepEqual(parseWebVtt(file).cues, [{ id: 'a', startMs: 1000, endMs: 2000, text: 'hello\nworld' }], JSON.stringify(nl));
    }
    assert.deepEqual(parseWebVtt('WEBVTT').cues, []);
    assert.deepEqual(parseWebVtt('WEBVTT\n00:00.000 --> 00:01.000\nright after the signature').cues[0]?.text, 'right after the signature');
  });

  it('reads timestamps with and without hours, hours of any length, and cue settings', () => {
    const file = 'WEBVTT\n\n00:01.500 --> 1:00:00.000 align:start line:-1 position:10%,line-left size:50% vertical:rl region:r1 bogus:x align:sideways\nx\n\n'
      + '123:59:59.999-->124:00:00.000\ny\n';
    const [a, b] = parseWebVtt(file).cues;
    assert.deepEqual(a, { startMs: 1500, endMs: 3_600_000, settings: { align: 'start', line: '-1', position: '10%,line-left', size: '50%', vertical: 'rl', region: 'r1' }, text: 'x' });
    assert.deepEqual(b, { startMs: 123 * 3_600_000 + 59 * 60_000 + 59_999, endMs: 124 * 3_600_000, text: 'y' });
    // What follows the end time is settings to the parser; a second arrow is an unknown one, ignored.
    assert.deepEqual(parseWebVtt('WEBVTT\n\n00:00.000 --> 00:01.000 --> 00:02.000\nx').cues, [{ startMs: 0, endMs: 1000, text: 'x' }]);
  });

  it('skips NOTE, STYLE and REGION blocks and identifier-only blocks', () => {
    const file = 'WEBVTT\n\nREGION\nid:r1 width:40%\n\nSTYLE\n::cue { color: red }\n\nNOTE a comment\nover two lines\n\nNOTE\n\n'
      + 'stray block without timing\n\n1\n00:00.000 --> 00:01.000\none\n';
    assert.deepEqual(parseWebVtt(file).cues, [{ id: '1', startMs: 0, endMs: 1000, text: 'one' }]);
  });

  it('starts a new cue where a timing line interrupts a block, as the algorithm does', () => {
    const file = 'WEBVTT\n\nNOTE hi\nmore\n00:00.000 --> 00:01.000\nx\n00:02.000 --> 00:03.000\ny\n';
    assert.deepEqual(parseWebVtt(file).cues, [{ startMs: 0, endMs: 1000, text: 'x' }, { startMs: 2000, endMs: 3000, text: 'y' }]);
  });

  it('reads voices with classes, drops other markup and decodes references', () => {
    const file = 'WEBVTT\n\n00:00.000 --> 00:05.000\n<v.loud.angry   Mary   Ann &amp; Co >I <i>really</i> <b>want</b> <u>a</u> <c.yellow>refund</c>'
      + '<00:00:03.000> &lt;now&gt; &#x263A;&#9731; caf&eacute; &amp &nbsp;<ruby>漢<rt>kan</rt></ruby></v>\n';
    assert.deepEqual(parseWebVtt(file).cues[0], {
      startMs: 0, endMs: 5000, speaker: 'Mary Ann & Co', text: 'I really want a refund <now> ☺☃ caf&eacute; & \u00a0漢kan',
    });
    assert.equal(parseWebVtt('WEBVTT\n\n00:00.000 --> 00:01.000\n<v>nobody</v> <v Bob>later</v>\n').cues[0]?.speaker, 'Bob');
    assert.equal(parseWebVtt('WEBVTT\n\n00:00.000 --> 00:01.000\n<V Bob>tags are case-sensitive\n').cues[0]?.speaker, undefined);
  });

  it('refuses a file without the signature, naming line 1', () => {
    for (const bad of ['', 'WEBVT', 'WEBVTTX', 'webvtt', ' WEBVTT', '1\n00:00.000 --> 00:01.000\nx']) {
      assert.throws(() => parseWebVtt(bad), (e: unknown) => e instanceof VaultError && e.code === 'INVALID_REQUEST' && e.details?.line === 1, JSON.stringify(bad));
    }
  });

  it('refuses bad timestamps and broken arrows with the line number', () => {
    const cases: Array<[string, number]> = [
      ['WEBVTT\n\n00:01.00 --> 00:02.000\nx', 3],
      ['WEBVTT\n\nid\n00:60.000 --> 01:00.000\nx', 4],
      ['WEBVTT\n\n00:00.000 --> 00:02\nx', 3],
      ['WEBVTT\r\n\r\n1\r\n00:00.000 -> 00:02.000\r\nx', 4],
      ['WEBVTT\n\n00:00.000 --> 00:01.000\nok\n\n0:1:2.000 --> 0:1:3.000\nx', 6],
    ];
    for (const [file, line] of cases) {
      assert.throws(() => parseWebVtt(file), (e: unknown) => e instanceof VaultError && e.details?.line === line && e.message.includes(`line ${line}`), JSON.stringify(file));
    }
  });
});
