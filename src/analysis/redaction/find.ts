/**
 * Finds card numbers, security codes, expiry dates, national ids, e-mail addresses and phone
 * numbers in a transcript, as time spans per cue. Numbers are read per speaker (channel and
 * speaker name), so the other party's "mm-hmm" does not split a card number, and may run across
 * that speaker's consecutive cues; context words are read from everyone.
 */
import type { RedactionSpan, Transcript } from '../../transcripts/model.js';
import { digitRuns } from './digits.js';
import { classifyRun, contextAround, type Finding } from './numbers.js';
import { findEmails, findNiNumbers, findSlashExpiries } from './patterns.js';
import { tokenizeTranscript, type Token } from './tokens.js';

export function findSensitive(t: Transcript): RedactionSpan[] {
  const all = tokenizeTranscript(t);
  const byVoice = new Map<string, Token[]>();
  for (const tok of all) {
    const list = byVoice.get(tok.voice);
    if (list) list.push(tok);
    else byVoice.set(tok.voice, [tok]);
  }

  const findings: Finding[] = [];
  for (const tokens of byVoice.values()) {
    // Engines may emit a channel's cues slightly out of order around merges; time order is what was said.
    tokens.sort((a, b) => a.startMs - b.startMs || a.gi - b.gi);
    for (const run of digitRuns(tokens, (a, b) => interrupted(all, a, b))) {
      const first = run[0]!.tokens[0]!;
      const lastItem = run[run.length - 1]!;
      const last = lastItem.tokens[lastItem.tokens.length - 1]!;
      findings.push(...classifyRun(run, contextAround(all, first, last)));
    }
    findings.push(...findEmails(tokens), ...findNiNumbers(tokens));
  }
  findings.push(...findSlashExpiries(all));
  return toSpans(findings, all);
}

/** Back-channel words that do not interrupt the other party reading out a number. */
const BACK_CHANNEL = new Set(['mm', 'mhm', 'mm-hmm', 'uh-huh', 'hmm', 'uh', 'um', 'yeah', 'yes', 'yep', 'ok', 'okay', 'right',
  'sure', 'go', 'on', 'got', 'it', 'thanks', 'thank', 'you']);

function interrupted(all: readonly Token[], fromGi: number, toGi: number): boolean {
  for (let k = fromGi + 1; k < toGi; k++) if (all[k]!.voice !== all[fromGi]!.voice && !BACK_CHANNEL.has(all[k]!.norm)) return true;
  return false;
}

/** One span per cue a finding touches, from its first word's start to its last word's end. */
function toSpans(findings: Finding[], all: readonly Token[]): RedactionSpan[] {
  const spans = new Map<string, RedactionSpan>();
  for (const f of findings) {
    const perCue = new Map<number, Token[]>();
    for (const gi of f.tokens) {
      const tok = all[gi]!;
      const list = perCue.get(tok.cue);
      if (list) list.push(tok);
      else perCue.set(tok.cue, [tok]);
    }
    for (const [cue, toks] of perCue) {
      const span: RedactionSpan = {
        startMs: Math.min(...toks.map((x) => x.startMs)),
        endMs: Math.max(...toks.map((x) => x.endMs)),
        kind: f.kind,
        cue,
      };
      spans.set(`${cue}:${span.startMs}:${span.endMs}:${span.kind}`, span);
    }
  }
  return [...spans.values()].sort((a, b) => a.startMs - b.startMs || a.cue - b.cue || a.endMs - b.endMs);
}
