/**
 * Probes an upload while it streams: every chunk written to `sink` is fed to an ffprobe child on
 * its stdin, whose line-oriented output is parsed as it arrives (only the last packet time per
 * stream is kept, so memory stays flat whatever the file size). The same chunks go to the
 * encryptor; the probe never slows the upload beyond the child's own pace and never breaks it:
 * once ffprobe is gone, the sink keeps accepting and discarding bytes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { ErrorCode, VaultError, unsupportedMedia } from '../core/errors.js';
import { RAW_DEMUXER, hintFromContentType, looksLikeContainer, normalizeRawHint, type RawHint } from './formats.js';
import { ProbeOutputParser, factsFromProbe, type MediaFacts } from './probe-output.js';

export type { MediaFacts, StreamFacts } from './probe-output.js';
export type { RawHint } from './formats.js';

export interface ProbeOptions {
  /** Headerless G.711 declared by the uploader. Ignored when the bytes carry a known container header. */
  raw?: RawHint;
  /** The Content-Type the uploader sent; `audio/basic`, `audio/PCMU`, `audio/PCMA` imply a raw hint. */
  declaredType?: string;
  /** How long ffprobe may run after the end of input (default 60 s). */
  timeoutMs?: number;
}

export interface Probe {
  /** Write every chunk of the upload here, then end(). destroy() it if the upload is aborted. */
  sink: Writable;
  /** Settles after end() (a refusal may come earlier, as soon as ffprobe gives up). */
  result: Promise<MediaFacts>;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 60_000;
/** Bytes looked at before choosing between raw G.711 and container probing. */
const SNIFF_BYTES = 16;
const STDERR_KEEP = 4096;

const ENTRIES = [
  'packet=codec_type,stream_index,pts_time,dts_time,duration_time',
  'packet_side_data=skip_samples,discard_padding',
  'stream=index,codec_type,codec_name,sample_rate,channels,width,height',
  'stream_disposition=attached_pic',
  'format=format_name,duration,bit_rate',
].join(':');

let running = 0;
/** ffprobe children currently alive (for health checks and tests). */
export function activeProbes(): number {
  return running;
}

export function startProbe(tools: { ffprobe: string }, opts: ProbeOptions = {}): Probe {
  const rawHint = opts.raw ?? hintFromContentType(opts.declaredType).raw;
  const raw = rawHint ? normalizeRawHint(rawHint) : undefined;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const declared = opts.declaredType ? ` (declared ${opts.declaredType})` : '';

  let child: ChildProcess | undefined;
  let stdinOpen = false;
  let pendingWrite: (() => void) | undefined;
  let head: Buffer[] = [];
  let headBytes = 0;
  let bytes = 0;
  let inputEnded = false;
  let childDone = false;
  let exitCode: number | null = null;
  let failure: VaultError | undefined; // abort, timeout or spawn failure: wins over anything ffprobe says
  let timer: NodeJS.Timeout | undefined;
  let stderrTail = '';
  let settled = false;
  const parser = new ProbeOutputParser();

  let resolveResult!: (facts: MediaFacts) => void;
  let rejectResult!: (err: unknown) => void;
  const result = new Promise<MediaFacts>((res, rej) => {
    resolveResult = res;
    rejectResult = rej;
  });
  // A caller that destroys the sink and walks away must not crash the process.
  result.catch(() => undefined);

  const settle = (err: unknown, facts?: MediaFacts) => {
    if (settled) return;
    settled = true;
    if (timer) clearTimeout(timer);
    if (err !== undefined) rejectResult(err);
    else if (facts) resolveResult(facts);
  };

  const release = () => {
    const cb = pendingWrite;
    pendingWrite = undefined;
    cb?.();
  };

  const closeInput = () => {
    stdinOpen = false;
    release();
  };

  const evaluate = () => {
    if (settled) return;
    if (failure) {
      if (!child || childDone) settle(failure);
      return;
    }
    if (!child) {
      if (inputEnded && bytes === 0) settle(unsupportedMedia('the file is empty'));
      return;
    }
    if (!childDone) return;
    if (exitCode !== 0) {
      const why = lastLine(stderrTail).replace(/^pipe:0?:\s*/, '') || `ffprobe exited with code ${String(exitCode)}`;
      settle(
        new VaultError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `ffprobe could not read the upload${declared} as audio: ${why}`, {
          details: { declaredType: opts.declaredType, ffprobe: why },
        }),
      );
      return;
    }
    const out = factsFromProbe(parser.finish(), bytes);
    if (!out.ok) return settle(new VaultError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, out.reason, { details: out.details }));
    // Success waits for the whole upload so the facts (bit rate) describe all of it.
    if (inputEnded) settle(undefined, out.facts);
  };

  const spawnChild = (first: Buffer) => {
    const useRaw = raw && !looksLikeContainer(first);
    const args = ['-v', 'error', '-hide_banner', '-show_entries', ENTRIES, '-of', 'compact=p=1:nk=0'];
    if (useRaw) args.push('-f', RAW_DEMUXER[raw.codec], '-ar', String(raw.sampleRate), '-ac', String(raw.channels));
    args.push('-i', 'pipe:0');

    const cp = spawn(tools.ffprobe, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    child = cp;
    running++;
    stdinOpen = true;
    let counted = true;
    const gone = () => {
      if (counted) running--;
      counted = false;
    };
    cp.stdin?.on('drain', release);
    cp.stdin?.on('error', closeInput); // EPIPE once ffprobe stops reading: keep the upload going
    cp.stdin?.on('close', closeInput);
    cp.stdout?.setEncoding('utf8');
    cp.stdout?.on('data', (s: string) => parser.push(s));
    cp.stdout?.on('error', () => undefined);
    cp.stderr?.setEncoding('utf8');
    cp.stderr?.on('data', (s: string) => {
      stderrTail = (stderrTail + s).slice(-STDERR_KEEP);
    });
    cp.stderr?.on('error', () => undefined);
    cp.on('error', (err) => {
      // Spawn failure (ENOENT, EACCES…) or a failed kill; 'close' may never follow a failed spawn.
      failure ??= new VaultError(ErrorCode.INTERNAL_SERVER_ERROR, `could not run ffprobe '${tools.ffprobe}': ${err.message}`, {
        cause: err,
      });
      closeInput();
      if (cp.pid === undefined) {
        childDone = true;
        gone();
      }
      evaluate();
    });
    cp.on('close', (code) => {
      exitCode = code;
      childDone = true;
      gone();
      closeInput();
      evaluate();
    });
  };

  const toChild = (chunk: Buffer, cb: () => void) => {
    const stdin = child?.stdin;
    if (!stdinOpen || !stdin || stdin.destroyed || stdin.writableEnded) return cb(); // discard
    let ok: boolean;
    try {
      ok = stdin.write(chunk);
    } catch {
      closeInput();
      return cb();
    }
    if (ok) return cb();
    pendingWrite = cb;
  };

  const startChildWithHead = (cb: () => void) => {
    const first = Buffer.concat(head, headBytes);
    head = [];
    spawnChild(first);
    toChild(first, cb);
  };

  const sink = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buf.length;
      if (failure || settled) return cb();
      if (child) return toChild(buf, () => cb());
      head.push(buf);
      headBytes += buf.length;
      if (headBytes >= SNIFF_BYTES) startChildWithHead(() => cb());
      else cb();
    },
    final(cb) {
      inputEnded = true;
      if (!child && bytes > 0 && !failure && !settled) startChildWithHead(() => undefined);
      if (child && !childDone) {
        if (stdinOpen) child.stdin?.end();
        timer = setTimeout(() => {
          failure ??= new VaultError(ErrorCode.INTERNAL_SERVER_ERROR, `ffprobe did not finish within ${timeoutMs} ms after the upload ended`, {
            details: { timeoutMs },
          });
          child?.kill('SIGKILL');
          evaluate();
        }, timeoutMs);
        timer.unref();
      }
      evaluate();
      cb();
    },
    destroy(err, cb) {
      // Destroy after a normal end (autoDestroy) is not an abort; anything else is.
      if (!settled && (err || !inputEnded)) {
        failure ??= new VaultError(ErrorCode.INVALID_REQUEST, 'the upload was aborted before it could be probed', {
          cause: err ?? undefined,
        });
        head = [];
        if (child && !childDone) child.kill('SIGKILL');
        closeInput();
        evaluate();
      }
      cb(err);
    },
  });
  // Errors passed to destroy() are the caller's; an unlistened 'error' must not crash the process.
  sink.on('error', () => undefined);
  return { sink, result };
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}
