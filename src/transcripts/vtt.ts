/**
 * WebVTT (W3C) for transcripts: the writer every door serves `text/vtt` with, and a reader
 * for transcripts that arrive as WebVTT. The reader follows the spec's file parsing algorithm
 * (signature, header, blocks split by blank lines, a timing line as a block's first or second
 * line, NOTE/STYLE/REGION and stray blocks ignored) with one deliberate difference: where the
 * spec silently drops a cue whose timing line does not parse, this reader refuses the file and
 * names the line, because an imported transcript that lost cues without a word is worse than a
 * refused one.
 */
import { invalid } from '../core/errors.js';
import type { Cue } from './model.js';
import { collapseSpace, escapeCueText, readCueText } from './vtt-text.js';

export interface WebVttOptions {
  /** Text after `WEBVTT ` on the first line (made one line, without `-->`). */
  title?: string;
  /** Write `<v Speaker>` voice spans (default true). */
  voices?: boolean;
}

export interface WebVttCue {
  id?: string;
  startMs: number;
  endMs: number;
  /** Cue settings the spec knows (`align`, `line`, `position`, `size`, `vertical`, `region`) with well-formed values. */
  settings?: Record<string, string>;
  /** The name in the cue's first voice span. */
  speaker?: string;
  /** The cue's text without markup, lines joined by `\n`. */
  text: string;
}

export interface ParsedWebVtt { cues: WebVttCue[] }

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** `HH:MM:SS.mmm` (hours grow past two digits rather than wrap). */
export function formatVttTime(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  return `${pad(Math.floor(t / 3_600_000), 2)}:${pad(Math.floor(t / 60_000) % 60, 2)}:${pad(Math.floor(t / 1000) % 60, 2)}.${pad(t % 1000, 3)}`;
}

/** Cue text lines: no line breaks but `\n`, no blank line (a blank line would end the cue). */
function cueLines(text: string): string {
  return text.replace(/\0/g, '\ufffd').replace(/\r\n?/g, '\n').split('\n').filter((l) => l.trim() !== '').map(escapeCueText).join('\n');
}

export function toWebVtt(cues: readonly Cue[], opts: WebVttOptions = {}): string {
  const title = opts.title === undefined ? '' : collapseSpace(opts.title.replace(/\0/g, '\ufffd')).replace(/-->/g, '->');
  const out = [title ? `WEBVTT ${title}` : 'WEBVTT', ''];
  const ordered = cues.map((c, i) => ({ c, i })).filter(({ c, i }) => {
    if (!Number.isFinite(c.startMs) || !Number.isFinite(c.endMs)) throw invalid(`Cue ${i} has no valid start or end time`, { cue: i });
    return true;
  }).sort((a, b) => a.c.startMs - b.c.startMs || a.i - b.i);
  ordered.forEach(({ c }, n) => {
    const start = Math.max(0, Math.round(c.startMs));
    const end = Math.max(start, Math.round(c.endMs));
    // The annotation ends at `>` and its whitespace collapses on reading; write it as it will read back.
    const speaker = opts.voices === false ? '' : escapeCueText(collapseSpace(c.speaker.replace(/\0/g, '\ufffd')));
    out.push(String(n + 1), `${formatVttTime(start)} --> ${formatVttTime(end)}`, `${speaker ? `<v ${speaker}>` : ''}${cueLines(c.text)}`, '');
  });
  return out.join('\n');
}

// ---- reading ----

const DIGITS = /[0-9]+/y;
const SPACES = /[\t\f ]*/y;

/** The spec's "collect a WebVTT timestamp" from `at`: ms and the next position, or null. */
function timestamp(line: string, at: number): { ms: number; next: number } | null {
  const digits = (from: number) => {
    DIGITS.lastIndex = from;
    const m = DIGITS.exec(line);
    return m ? m[0] : '';
  };
  let i = at;
  const first = digits(i);
  if (!first) return null;
  i += first.length;
  const hoursFirst = first.length !== 2 || Number(first) > 59;
  if (line[i] !== ':') return null;
  const second = digits(++i);
  if (second.length !== 2) return null;
  i += 2;
  let h = 0, m = Number(first), s = Number(second);
  if (hoursFirst || line[i] === ':') {
    if (line[i] !== ':') return null;
    const third = digits(++i);
    if (third.length !== 2) return null;
    i += 2;
    h = Number(first); m = Number(second); s = Number(third);
  }
  if (line[i] !== '.') return null;
  const frac = digits(++i);
  if (frac.length !== 3) return null;
  i += 3;
  if (m > 59 || s > 59) return null;
  return { ms: ((h * 60 + m) * 60 + s) * 1000 + Number(frac), next: i };
}

const SETTING_VALUES: Record<string, RegExp> = {
  vertical: /^(rl|lr)$/,
  line: /^(-?[0-9]+|[0-9]+(\.[0-9]+)?%)(,(start|center|end))?$/,
  position: /^[0-9]+(\.[0-9]+)?%(,(line-left|center|line-right))?$/,
  size: /^[0-9]+(\.[0-9]+)?%$/,
  align: /^(start|center|end|left|right)$/,
  region: /^(?![^]*-->)[^]+$/,
};

/** Settings the spec knows with values of the right shape; the spec ignores the rest, so do we. */
function settingsOf(rest: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const token of rest.split(/[\t\f ]+/)) {
    const colon = token.indexOf(':');
    if (colon <= 0 || colon === token.length - 1) continue;
    const name = token.slice(0, colon), value = token.slice(colon + 1);
    if (SETTING_VALUES[name]?.test(value)) out[name] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

function timing(line: string, lineNo: number): { startMs: number; endMs: number; settings?: Record<string, string> } {
  const fail = (what: string) =>
    invalid(`WebVTT line ${lineNo}: ${what} in the cue timing "${line.slice(0, 80)}" (expected [hh:]mm:ss.ttt --> [hh:]mm:ss.ttt)`, { line: lineNo });
  const skip = (i: number) => { SPACES.lastIndex = i; SPACES.exec(line); return SPACES.lastIndex; };
  const start = timestamp(line, skip(0));
  if (!start) throw fail('a bad start timestamp');
  let i = skip(start.next);
  if (line.slice(i, i + 3) !== '-->') throw fail('no "-->" after the start');
  const end = timestamp(line, skip(i + 3));
  if (!end) throw fail('a bad end timestamp');
  i = end.next;
  const settings = settingsOf(line.slice(i));
  return { startMs: start.ms, endMs: end.ms, ...(settings ? { settings } : {}) };
}

/**
 * The spec ignores a block without `-->`; one that is not a NOTE, STYLE or REGION but opens
 * (or follows its identifier) with a timestamp was meant as a cue with a broken arrow
 * (`00:01.000 -> 00:02.000`), so it is refused like a bad timestamp.
 */
function refuseLookalike(buffer: string[], firstLine: number): void {
  if (/^(NOTE|STYLE|REGION)([ \t]|$)/.test(buffer[0] ?? '')) return;
  buffer.slice(0, 2).forEach((line, k) => {
    const t = timestamp(line, line.search(/\S|$/));
    if (t && /^[\t\f ]*-/.test(line.slice(t.next))) {
      throw invalid(`WebVTT line ${firstLine + k}: this looks like a cue timing but has no "-->" between the timestamps`, { line: firstLine + k });
    }
  });
}

/** Parses a WebVTT file into its cues; refuses a missing signature or a bad cue timing with its line. */
export function parseWebVtt(input: string): ParsedWebVtt {
  const text = (input.startsWith('\ufeff') ? input.slice(1) : input).replace(/\0/g, '\ufffd');
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines.at(-1) === '') lines.pop(); // the break ending the last line starts no line
  if (!/^WEBVTT(?:[ \t][^]*)?$/.test(lines[0]!)) {
    throw invalid('Not a WebVTT file: the first line must be WEBVTT, optionally followed by a space or tab and text', { line: 1 });
  }
  const cues: WebVttCue[] = [];
  let i = 1;
  // The spec's "collect a WebVTT block": reads from line i and leaves i after the block.
  const block = (inHeader: boolean): void => {
    const buffer: string[] = [];
    const first = i + 1;
    let cue: ReturnType<typeof timing> & { id?: string } | null = null;
    let seenArrow = false;
    let previous = i;
    for (let count = 1; i < lines.length; count++) {
      const line = lines[i]!;
      const lineNo = ++i;
      if (line.includes('-->')) {
        if (!inHeader && (count === 1 || (count === 2 && !seenArrow))) {
          seenArrow = true;
          previous = i;
          const id = buffer.join('\n');
          cue = { ...(id ? { id } : {}), ...timing(line, lineNo) };
          buffer.length = 0;
          continue;
        }
        i = previous; // this line starts the next block
        break;
      }
      if (line === '') break;
      buffer.push(line);
      previous = i;
    }
    if (cue) cues.push({ ...cue, ...readCueText(buffer.join('\n')) });
    else if (!inHeader && !seenArrow) refuseLookalike(buffer, first);
  };
  if (i < lines.length && lines[i] !== '') block(true);
  for (;;) {
    while (i < lines.length && lines[i] === '') i++;
    if (i >= lines.length) break;
    block(false);
  }
  return { cues };
}
