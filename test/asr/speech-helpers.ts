/**
 * Runs an engine over calls of the speech test set and scores it: shared by the accuracy test
 * and the bench. CPU time is read from the kernel's account of this process's finished
 * children, so it stays right when several decodes run at once.
 */
import { readFileSync } from 'node:fs';
import { prepareChannel } from '../../src/asr/audio.js';
import type { Transcriber } from '../../src/asr/port.js';
import { combineErrors, wordErrors, type WordErrors } from '../../src/asr/wer.js';
import type { EngineSegment } from '../../src/transcripts/model.js';
import { referenceText, type CallTurn, type SpeechCall } from '../fixtures/speech/generate.js';

export interface ChannelResult {
  call: string;
  channel: number;
  turns: CallTurn[];
  segments: EngineSegment[];
  errors: WordErrors;
  durationMs: number;
}

export interface SetResult {
  errors: WordErrors;
  channels: ChannelResult[];
  audioMs: number;
  wallMs: number;
  /** CPU seconds of the engine's child processes per second of audio. */
  cpuRtf: number;
}

/** CPU time (ms) of this process's children that have exited and been waited for. */
export function childCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[13]) + Number(fields[14]);
  return (ticks * 1000) / 100;
}

/** Transcribes each channel of each call from the chosen file, `parallel` channels at a time. */
export async function runSet(ffmpeg: string, engine: Transcriber, calls: SpeechCall[], file: 'stereoWav' | 'g711Wav', parallel = 2): Promise<SetResult> {
  const jobs = calls.flatMap((call) => [0, 1].map((channel) => ({ call, channel })));
  const results: ChannelResult[] = [];
  const cpu0 = childCpuMs();
  const wall0 = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < jobs.length) {
      const { call, channel } = jobs[next++]!;
      const audio = await prepareChannel(ffmpeg, call[file], { channel });
      try {
        const segments = await engine.transcribe(audio);
        const turns = call.turns.filter((t) => t.channel === channel);
        const hyp = segments.map((s) => s.text).join(' ');
        results.push({ call: call.name, channel, turns, segments, errors: wordErrors(referenceText(turns), hyp), durationMs: audio.durationMs });
      } finally {
        await audio.cleanup();
      }
    }
  }));
  const audioMs = results.reduce((a, r) => a + r.durationMs, 0);
  return {
    errors: combineErrors(results.map((r) => r.errors)),
    channels: results.sort((a, b) => a.call.localeCompare(b.call) || a.channel - b.channel),
    audioMs,
    wallMs: Date.now() - wall0,
    cpuRtf: (childCpuMs() - cpu0) / audioMs,
  };
}

export function describeSet(label: string, r: SetResult): string {
  const e = r.errors;
  return `${label}: WER ${(e.wer * 100).toFixed(1)}% (${e.substitutions} sub, ${e.insertions} ins, ${e.deletions} del of ${e.refWords} words) `
    + `over ${(r.audioMs / 1000).toFixed(0)} s of channel audio; CPU real-time factor ${r.cpuRtf.toFixed(3)}, wall ${(r.wallMs / r.audioMs).toFixed(3)}`;
}
