/**
 * Who spoke how long, and how much of the call was silence or two people at once. Speech is
 * taken from word timings when a cue has them (cue times include pauses the engine glued into
 * one phrase), else from the cue's own start and end.
 */
import type { Cue } from '../transcripts/model.js';
import { isPunctuation, tokenize } from './text.js';

/**
 * Gaps between words shorter than this are part of speaking: engines leave a few tens of
 * milliseconds between words of one breath, and counting those as silence would inflate it.
 */
export const WORD_BRIDGE_MS = 250;

export interface SpeakerTalk {
  speaker: string;
  role?: string;
  channels: number[];
  talkMs: number;
  /** talkMs / call duration. */
  talkRatio: number;
  /** talkMs / everyone's talkMs together (the agent/customer split). */
  shareOfTalk: number;
  wordCount: number;
}

export interface TalkStats {
  speakers: SpeakerTalk[];
  silenceMs: number;
  overtalkMs: number;
  silenceRatio: number;
  overtalkRatio: number;
  /** Where the timings came from. */
  timingsFrom: 'words' | 'cues' | 'mixed';
}

type Interval = [number, number];

export function talkStats(cues: readonly Cue[], durationMs: number): TalkStats {
  const duration = durationMs > 0 ? durationMs : Math.max(0, ...cues.map((c) => c.endMs));
  const bySpeaker = new Map<string, { role?: string; channels: Set<number>; intervals: Interval[]; words: number }>();
  let withWords = 0;
  for (const cue of cues) {
    let entry = bySpeaker.get(cue.speaker);
    if (!entry) {
      entry = { channels: new Set(), intervals: [], words: 0 };
      if (cue.speakerRole !== undefined) entry.role = cue.speakerRole;
      bySpeaker.set(cue.speaker, entry);
    }
    entry.channels.add(cue.channel);
    const words = cue.words?.filter((w) => w.endMs > w.startMs || w.text.trim() !== '') ?? [];
    if (words.length > 0) {
      withWords++;
      for (const w of words) entry.intervals.push([w.startMs, Math.max(w.startMs, w.endMs)]);
      entry.words += words.filter((w) => tokenize(w.text).some((t) => !isPunctuation(t))).length;
    } else {
      entry.intervals.push([cue.startMs, Math.max(cue.startMs, cue.endMs)]);
      entry.words += tokenize(cue.text).filter((t) => !isPunctuation(t)).length;
    }
  }

  const merged = new Map<string, Interval[]>();
  let totalTalk = 0;
  for (const [speaker, e] of bySpeaker) {
    const m = mergeIntervals(clip(e.intervals, duration), WORD_BRIDGE_MS);
    merged.set(speaker, m);
    totalTalk += m.reduce((s, [a, b]) => s + (b - a), 0);
  }

  const speakers: SpeakerTalk[] = [];
  for (const [speaker, e] of bySpeaker) {
    const talkMs = merged.get(speaker)!.reduce((s, [a, b]) => s + (b - a), 0);
    const st: SpeakerTalk = {
      speaker,
      channels: [...e.channels].sort((a, b) => a - b),
      talkMs,
      talkRatio: ratio(talkMs, duration),
      shareOfTalk: ratio(talkMs, totalTalk),
      wordCount: e.words,
    };
    if (e.role !== undefined) st.role = e.role;
    speakers.push(st);
  }
  speakers.sort((a, b) => b.talkMs - a.talkMs);

  const { silenceMs, overtalkMs } = sweep([...merged.values()], duration);
  return {
    speakers,
    silenceMs,
    overtalkMs,
    silenceRatio: ratio(silenceMs, duration),
    overtalkRatio: ratio(overtalkMs, duration),
    timingsFrom: withWords === 0 ? 'cues' : withWords === cues.length ? 'words' : 'mixed',
  };
}

function clip(intervals: Interval[], duration: number): Interval[] {
  const out: Interval[] = [];
  for (const [a, b] of intervals) {
    const s = Math.max(0, a);
    const e = duration > 0 ? Math.min(duration, b) : b;
    if (e > s) out.push([s, e]);
  }
  return out;
}

/** Sorted union of intervals, joining those separated by at most `bridge` ms. */
export function mergeIntervals(intervals: Interval[], bridge: number): Interval[] {
  const sorted = [...intervals].sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a - last[1] <= bridge) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Time with nobody speaking and with two or more speaking, over [0, duration]. */
function sweep(perSpeaker: Interval[][], duration: number): { silenceMs: number; overtalkMs: number } {
  const events: Array<[number, number]> = [];
  for (const list of perSpeaker) for (const [a, b] of list) events.push([a, 1], [b, -1]);
  // At equal times close before opening, so touching turns are not counted as overlap.
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let active = 0;
  let at = 0;
  let silenceMs = 0;
  let overtalkMs = 0;
  for (const [t, d] of events) {
    const dt = t - at;
    if (dt > 0) {
      if (active === 0) silenceMs += dt;
      else if (active >= 2) overtalkMs += dt;
    }
    active += d;
    at = Math.max(at, t);
  }
  if (duration > at) silenceMs += duration - at;
  return { silenceMs, overtalkMs };
}

const ratio = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);
