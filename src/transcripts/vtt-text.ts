/**
 * WebVTT cue text: escaping what the writer emits and reading what any writer emitted. The
 * reader follows the W3C cue text tokenizer where it matters for a transcript: tags are markup
 * (`<c>`, `<i>`, `<b>`, `<u>`, `<ruby>`, `<rt>`, `<lang …>`, timestamp tags) and are dropped, the
 * first voice span `<v[.class…] Name>` names the speaker, and character references decode.
 */

/** The named references a transcript uses; HTML has ~2000, these cover what writers emit. */
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', lrm: '\u200e', rlm: '\u200f',
};
/** HTML decodes these few even without the `;` (legacy pages); WebVTT inherits that. */
const LEGACY = ['amp', 'lt', 'gt', 'quot', 'nbsp'];

const ASCII_SPACE = /[\t\n\f\r ]+/g;

/** `&`, `<` and `>` as references: with `>` escaped, no cue line can contain `-->`. */
export function escapeCueText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Whitespace as the voice annotation reader leaves it: runs of ASCII whitespace as one space, trimmed. */
export function collapseSpace(s: string): string {
  return s.replace(ASCII_SPACE, ' ').replace(/^ | $/g, '');
}

function codePoint(n: number): string {
  // HTML turns NUL, surrogates and out-of-range numbers into U+FFFD rather than failing.
  if (n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(n);
}

/** Decodes the reference starting at `s[i] === '&'`; a non-reference is a literal `&`. */
function reference(s: string, i: number): { text: string; next: number } {
  const numeric = /^&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?/.exec(s.slice(i, i + 14));
  if (numeric) {
    const n = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2]!, 10);
    return { text: codePoint(n), next: i + numeric[0].length };
  }
  const named = /^&([A-Za-z][A-Za-z0-9]*)(;?)/.exec(s.slice(i, i + 34));
  if (named) {
    const value = NAMED[named[1]!];
    if (value !== undefined && (named[2] === ';' || LEGACY.includes(named[1]!))) return { text: value, next: i + named[0].length };
  }
  return { text: '&', next: i + 1 };
}

export function decodeReferences(s: string): string {
  let out = '';
  for (let i = 0; i < s.length;) {
    const amp = s.indexOf('&', i);
    if (amp < 0) { out += s.slice(i); break; }
    out += s.slice(i, amp);
    const r = reference(s, amp);
    out += r.text;
    i = r.next;
  }
  return out;
}

const TAG_NAME_END = /[\t\n\f .>]/;

/** The plain text of a cue payload and the name in its first voice span. */
export function readCueText(payload: string): { text: string; speaker?: string } {
  let text = '';
  let speaker: string | undefined;
  let i = 0;
  while (i < payload.length) {
    const c = payload[i]!;
    if (c === '&') {
      const r = reference(payload, i);
      text += r.text;
      i = r.next;
      continue;
    }
    if (c !== '<') {
      const next = payload.slice(i).search(/[&<]/);
      const end = next < 0 ? payload.length : i + next;
      text += payload.slice(i, end);
      i = end;
      continue;
    }
    // A tag runs to the next `>` (or the end of the payload, as the tokenizer's EOF rule does).
    const close = payload.indexOf('>', i + 1);
    const end = close < 0 ? payload.length : close;
    const tag = payload.slice(i + 1, end);
    i = close < 0 ? payload.length : close + 1;
    if (tag.startsWith('/') || /^[0-9]/.test(tag)) continue; // end tag or timestamp tag
    let n = tag.search(TAG_NAME_END);
    if (n < 0) n = tag.length;
    const name = tag.slice(0, n);
    // Classes (`.loud.soft`) come before the annotation, which starts at the first whitespace.
    const ws = tag.search(/[\t\n\f ]/);
    if (name === 'v' && speaker === undefined && ws >= 0) {
      const who = collapseSpace(decodeReferences(tag.slice(ws)));
      if (who) speaker = who;
    }
  }
  return speaker === undefined ? { text } : { text, speaker };
}
