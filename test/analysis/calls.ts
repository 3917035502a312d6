/**
 * Hand-built transcripts for the analysis tests and the bench: a cue builder that gives every
 * word an even share of the cue's time, and a generator of long two-party calls (seeded, so a
 * run is repeatable) with known talk, silence and overtalk.
 */
import type { Cue, Transcript, Word } from '../../src/transcripts/model.js';

export interface CueSpec {
  speaker: 'Agent' | 'Customer' | string;
  channel?: number;
  startMs: number;
  endMs: number;
  text: string;
  /** Give each word a time (default true). */
  timed?: boolean;
}

/** Words spread evenly over the cue, each taking 80% of its slot (the rest is the gap between words). */
export function evenWords(text: string, startMs: number, endMs: number): Word[] {
  const parts = text.split(/\s+/).filter(Boolean);
  const slot = (endMs - startMs) / parts.length;
  return parts.map((p, i) => ({
    startMs: Math.round(startMs + i * slot),
    endMs: Math.round(startMs + i * slot + slot * 0.8),
    text: p,
  }));
}

export function cue(spec: CueSpec): Cue {
  const role = spec.speaker === 'Agent' ? 'agent' : spec.speaker === 'Customer' ? 'customer' : undefined;
  const c: Cue = {
    startMs: spec.startMs,
    endMs: spec.endMs,
    speaker: spec.speaker,
    channel: spec.channel ?? (spec.speaker === 'Agent' ? 0 : 1),
    text: spec.text,
  };
  if (role) c.speakerRole = role;
  if (spec.timed !== false) {
    const words = evenWords(spec.text, spec.startMs, spec.endMs);
    // The last word ends exactly at the cue end, as engines report it.
    words[words.length - 1]!.endMs = spec.endMs;
    c.words = words;
  }
  return c;
}

export function transcript(cues: Cue[], recordingId = 'rec_test'): Transcript {
  return { recordingId, engine: 'test/hand-built', language: 'en', cues, createdAt: '2024-05-01T10:00:00.000Z' };
}

/** Cues one after another from `startMs`, each taking 400 ms a word, with `gapMs` between them. */
export function dialogue(lines: Array<[CueSpec['speaker'], string]>, opts: { startMs?: number; gapMs?: number; timed?: boolean } = {}): Cue[] {
  let at = opts.startMs ?? 0;
  return lines.map(([speaker, text]) => {
    const startMs = at;
    const endMs = startMs + 400 * text.split(/\s+/).filter(Boolean).length;
    at = endMs + (opts.gapMs ?? 500);
    return cue({ speaker, startMs, endMs, text, timed: opts.timed ?? true });
  });
}

const AGENT_LINES = [
  'Thank you for calling Northwind support, my name is Sam, how can I help you today?',
  'I am sorry to hear the blender arrived damaged, let me look up the order for you.',
  'I can see the order here, the blender was shipped from our warehouse last Tuesday.',
  'We can either send a replacement blender or issue a full refund to your card.',
  'The refund usually takes three to five working days to appear on your statement.',
  'I have raised a return label, the courier will collect the damaged blender on Friday.',
  'Is there anything else I can help you with regarding the delivery?',
  'I will add a note to the account so the warehouse checks the packaging next time.',
  'Could you confirm the delivery address for the replacement please?',
  'Thank you for your patience while I check the warehouse stock levels.',
];
const CUSTOMER_LINES = [
  'Hi, I ordered a blender two weeks ago and it arrived with a cracked jug.',
  'Honestly I am not happy, the box was crushed and the delivery was late as well.',
  'I would prefer a refund to my card rather than another blender.',
  'Okay, that sounds fine, will the courier take the damaged blender away?',
  'Great, thank you, that is really helpful.',
  'The delivery address is the same as on the order.',
  'I have been waiting on hold for twenty minutes, which was frustrating.',
  'No, that is everything, thanks for sorting out the refund so quickly.',
  'Yes, Friday works for the courier collection.',
  'Mm-hmm, okay.',
];

/** A deterministic generator (mulberry32) so the long call is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A two-party call of `minutes` minutes, about 160 words a minute in alternating turns, with
 * pauses between turns and, now and then, a turn that starts before the other one ended.
 */
export function generateCall(minutes: number, seed = 7): Transcript {
  const random = rng(seed);
  const durationMs = minutes * 60_000;
  const cues: Cue[] = [];
  let at = 1_000;
  let turn = 0;
  for (;;) {
    const agent = turn % 2 === 0;
    const bank = agent ? AGENT_LINES : CUSTOMER_LINES;
    const text = bank[Math.floor(random() * bank.length)]!;
    const words = text.split(/\s+/).length;
    // ~160 words a minute of talk, with the pauses below, lands near 1,600 words in 10 minutes.
    const length = Math.round(words * (280 + random() * 50));
    if (at + length > durationMs - 1_000) break;
    cues.push(cue({ speaker: agent ? 'Agent' : 'Customer', startMs: at, endMs: at + length, text }));
    const overlap = random() < 0.1;
    at += length + (overlap ? -Math.round(300 + random() * 400) : Math.round(300 + random() * 1_200));
    turn++;
  }
  return transcript(cues, `rec_generated_${minutes}m`);
}
