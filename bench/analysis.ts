/**
 * Insights target: a 10-minute two-party transcript (~1,600 words) analysed in well under 1 s.
 *
 *   node dist/bench/analysis.js [--minutes=10] [--runs=15]
 *
 * Times `analyse` (sentiment, talk/silence/overtalk, keywords, extractive summary) on a generated
 * call after a warm-up, and reports the median. The sensitive-data scan and the redacted copy of
 * the same transcript are timed too, for information: they run in the same analysis job.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyse } from '../src/analysis/analyse.js';
import { findSensitive, redactTranscript } from '../src/analysis/redaction/index.js';
import { generateCall } from '../test/analysis/calls.js';
import { measure, othersNote, type QuietPolicy } from './machine.js';
import { resultLine, type Log, type SummaryRow } from './report.js';

export const ANALYSIS_TARGET_MS = 1_000;

export interface AnalysisBenchOptions {
  minutes?: number;
  runs?: number;
  quiet?: QuietPolicy | null;
  log?: Log;
}

export interface AnalysisBenchResult {
  minutes: number;
  words: number;
  cues: number;
  runs: number;
  analyseMedianMs: number;
  analyseMaxMs: number;
  redactMedianMs: number;
  /** Cores other processes used while measuring (null when unknown). */
  others: number | null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export async function benchAnalysis(opts: AnalysisBenchOptions = {}): Promise<{ result: AnalysisBenchResult; rows: SummaryRow[] }> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const minutes = opts.minutes ?? 10;
  const runs = Math.max(3, opts.runs ?? 15);
  const call = generateCall(minutes);
  const durationMs = minutes * 60_000;
  const words = call.cues.reduce((n, c) => n + (c.words?.length ?? 0), 0);

  // Warm-up: the first calls compile the code paths and build the lexicon maps.
  for (let i = 0; i < 3; i++) await analyse(call, { durationMs });

  const { value, others } = await measure('analysis', opts.quiet ?? null, async () => {
    const analyseMs: number[] = [];
    const redactMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      await analyse(call, { durationMs });
      analyseMs.push(performance.now() - t0);
      t0 = performance.now();
      redactTranscript(call, findSensitive(call));
      redactMs.push(performance.now() - t0);
    }
    return { analyseMs, redactMs };
  });

  const result: AnalysisBenchResult = {
    minutes, words, cues: call.cues.length, runs,
    analyseMedianMs: round1(median(value.analyseMs)),
    analyseMaxMs: round1(Math.max(...value.analyseMs)),
    redactMedianMs: round1(median(value.redactMs)),
    others,
  };
  log(`analysis: ${minutes}-minute call, ${words} words in ${result.cues} cues; ${runs} runs after warm-up${othersNote(others)}`);
  log(`analysis: sensitive-data scan + redacted copy median ${result.redactMedianMs} ms`);
  const rows = [
    resultLine(log, `insights for a ${minutes}-minute transcript (median of ${runs})`,
      `${result.analyseMedianMs} ms (max ${result.analyseMaxMs} ms)`, `< ${ANALYSIS_TARGET_MS} ms`, result.analyseMedianMs < ANALYSIS_TARGET_MS),
  ];
  return { result, rows };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const { result } = await benchAnalysis({
    ...(arg('minutes') ? { minutes: Number(arg('minutes')) } : {}),
    ...(arg('runs') ? { runs: Number(arg('runs')) } : {}),
  });
  console.log(JSON.stringify(result));
  process.exitCode = result.analyseMedianMs < ANALYSIS_TARGET_MS ? 0 : 1;
}
