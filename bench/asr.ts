/**
 * The pocketsphinx engine on this machine: real-time factor of the pocketsphinx command line,
 * and our whole path (prepareChannel from the stereo call, then PocketsphinxTranscriber.transcribe:
 * VAD, windows, pocketsphinx_batch, CTM reading, seam merge) against running
 * `pocketsphinx_continuous -infile` directly on the already-decoded channel (target ≤ 1.05).
 *
 *   node dist/bench/asr.js [--rounds=N] [--seconds=S] [--threads=N] [--g711] [--wait-quiet[=S]]
 *
 * The call is the synthesised two-party set played end to end (agent channel decoded). Direct
 * and wrapped runs take turns; the best of each counts, which damps noise from other processes
 * on this shared box. Both word error rates are printed so a faster path cannot hide a worse one.
 * With --g711 the command line reads the telephone channel as it is (no folding): its WER is
 * then what a naive run gets.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareChannel } from '../src/asr/audio.js';
import { frontEndFor } from '../src/asr/pocketsphinx-frontend.js';
import { DEFAULT_MODEL_DIR, PocketsphinxTranscriber } from '../src/asr/pocketsphinx.js';
import { wordErrors } from '../src/asr/wer.js';
import { resolveMediaTools } from '../src/media/binaries.js';
import { makeLongCall, referenceText, removeSpeechFixtures } from '../test/fixtures/speech/generate.js';
import { NOISY_CORES, measure, othersNote, type QuietPolicy } from './machine.js';

export const WRAPPER_TARGET = 1.05;

export interface SphinxBenchResult {
  audioSeconds: number;
  telephone: boolean;
  threads: number;
  /** Best wall time of pocketsphinx_continuous on the decoded channel, and of our whole path. */
  directSeconds: number;
  wrappedSeconds: number;
  /** wrappedSeconds / directSeconds */
  ratio: number;
  /** The same in CPU seconds (children's plus this process's). */
  cpuRatio: number;
  /** directSeconds / audioSeconds: pocketsphinx's real-time factor here. */
  rtf: number;
  wrappedRtf: number;
  directWer: number;
  wrappedWer: number;
  others: number | null;
}

export interface SphinxBenchOptions {
  rounds?: number;
  seconds?: number;
  threads?: number;
  g711?: boolean;
  quiet?: QuietPolicy | null;
  log?: (line: string) => void;
}

/** CPU time of our waited-for children (cutime + cstime in /proc/self/stat), µs; 0 off Linux. */
async function childCpuUs(): Promise<number> {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10_000;
  } catch {
    return 0;
  }
}

/** pocketsphinx_continuous on a file, word lines collected: what an operator would run by hand. */
function runContinuous(args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('pocketsphinx_continuous', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(Buffer.concat(out).toString()) : reject(new Error(`pocketsphinx_continuous exited ${code}`))));
  });
}

export async function benchSphinxAsr(opts: SphinxBenchOptions = {}): Promise<SphinxBenchResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const rounds = opts.rounds ?? 3;
  const threads = opts.threads ?? 1;
  const { ffmpeg } = await resolveMediaTools();
  const call = await makeLongCall({ targetMs: (opts.seconds ?? 180) * 1000 });
  const source = opts.g711 ? call.g711Wav : call.stereoWav;
  const work = await mkdtemp(join(tmpdir(), 'callvault-sphinx-bench-'));
  const engine = new PocketsphinxTranscriber({ threads });
  await engine.check();
  try {
    const prepared = await prepareChannel(ffmpeg, source, { channel: 0 });
    const channelWav = join(work, 'channel.wav');
    await copyFile(prepared.wavPath, channelWav);
    const sourceRate = prepared.sourceSampleRate;
    await prepared.cleanup();
    const m = DEFAULT_MODEL_DIR;
    const direct = ['-hmm', join(m, 'en-us'), '-lm', join(m, 'en-us.lm.bin'), '-dict', join(m, 'cmudict-en-us.dict'),
      '-infile', channelWav, ...frontEndFor(sourceRate).args];
    const reference = referenceText(call.turns, 0);
    const audioSeconds = call.durationMs / 1000;
    log(`pocketsphinx on ${audioSeconds.toFixed(0)} s of ${opts.g711 ? 'G.711' : '16 kHz'} call audio (agent channel), ${threads} thread(s), ${rounds} round(s)`);

    const timed = async (fn: () => Promise<string>) => {
      const [c0, own0, t0] = [await childCpuUs(), process.cpuUsage(), performance.now()];
      const text = await fn();
      const own = process.cpuUsage(own0);
      return { wall: (performance.now() - t0) / 1000, cpu: ((await childCpuUs()) - c0 + own.user + own.system) / 1e6, text };
    };
    const best = { direct: Infinity, wrapped: Infinity, directCpu: Infinity, wrappedCpu: Infinity };
    let others: number | null = null;
    let directText = '';
    let wrappedText = '';
    for (let r = 0; r < rounds; r++) {
      const d = await measure('pocketsphinx_continuous', opts.quiet ?? null, () => timed(async () => {
        const out = await runContinuous(direct);
        return out.split('\n').filter((l) => l && !/^\S+ [\d.]+ [\d.]+ [\d.e-]+$/.test(l)).join(' ');
      }), childCpuUs);
      const w = await measure('PocketsphinxTranscriber', opts.quiet ?? null, () => timed(async () => {
        const audio = await prepareChannel(ffmpeg, source, { channel: 0 });
        try {
          return (await engine.transcribe(audio)).map((s) => s.text).join(' ');
        } finally {
          await audio.cleanup();
        }
      }), childCpuUs);
      directText = d.value.text;
      wrappedText = w.value.text;
      best.direct = Math.min(best.direct, d.value.wall);
      best.wrapped = Math.min(best.wrapped, w.value.wall);
      best.directCpu = Math.min(best.directCpu, d.value.cpu);
      best.wrappedCpu = Math.min(best.wrappedCpu, w.value.cpu);
      for (const o of [d.others, w.others]) if (o !== null) others = Math.max(others ?? 0, o);
      log(`round ${r + 1}: direct ${d.value.wall.toFixed(2)} s (cpu ${d.value.cpu.toFixed(2)} s)${othersNote(d.others)}, `
        + `ours ${w.value.wall.toFixed(2)} s (cpu ${w.value.cpu.toFixed(2)} s)${othersNote(w.others)}`);
    }
    const result: SphinxBenchResult = {
      audioSeconds, telephone: !!opts.g711, threads,
      directSeconds: round3(best.direct), wrappedSeconds: round3(best.wrapped), ratio: round3(best.wrapped / best.direct),
      cpuRatio: round3(best.wrappedCpu / best.directCpu), rtf: round3(best.direct / audioSeconds), wrappedRtf: round3(best.wrapped / audioSeconds),
      directWer: round3(wordErrors(reference, directText).wer), wrappedWer: round3(wordErrors(reference, wrappedText).wer), others,
    };
    log(`pocketsphinx RTF ${result.rtf} (CLI, best ${result.directSeconds} s), ours ${result.wrappedRtf}; `
      + `ours/CLI wall ${result.ratio}, cpu ${result.cpuRatio} (target <= ${WRAPPER_TARGET}) ${result.ratio <= WRAPPER_TARGET ? 'OK' : 'MISS'}; `
      + `WER CLI ${(result.directWer * 100).toFixed(1)}%, ours ${(result.wrappedWer * 100).toFixed(1)}%`
      + `${others !== null && others > NOISY_CORES ? ' — other processes were busy: wall times are noisy' : ''}`);
    return result;
  } finally {
    await rm(work, { recursive: true, force: true });
    await removeSpeechFixtures();
  }
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const waitArg = process.argv.find((a) => a === '--wait-quiet' || a.startsWith('--wait-quiet='));
  const quiet: QuietPolicy | null = waitArg
    ? { waitSeconds: Number(waitArg.split('=')[1] ?? 300), retries: 2, log: (l) => console.log(l) }
    : null;
  const r = await benchSphinxAsr({
    quiet,
    g711: process.argv.includes('--g711'),
    ...(arg('rounds') ? { rounds: Number(arg('rounds')) } : {}),
    ...(arg('seconds') ? { seconds: Number(arg('seconds')) } : {}),
    ...(arg('threads') ? { threads: Number(arg('threads')) } : {}),
  });
  console.log(JSON.stringify(r));
  process.exitCode = r.ratio <= WRAPPER_TARGET ? 0 : 1;
}
