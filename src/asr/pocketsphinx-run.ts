/**
 * Finding and running the pocketsphinx binary: where it and its model files are (with the Debian
 * package to install when they are not), and one child process with a time limit, an abort
 * signal and its error lines turned into an operator-readable VaultError.
 */
import { spawn } from 'node:child_process';
import { constants as fsc } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, VaultError } from '../core/errors.js';
import { findOnPath } from '../media/binaries.js';

export interface SphinxInstall {
  binary: string;
  hmm: string;
  lm: string;
  dict: string;
}

const HMM_FILES = ['mdef', 'means', 'variances', 'transition_matrices', 'noisedict'];

export function modelArgs(t: SphinxInstall): string[] {
  return ['-hmm', t.hmm, '-lm', t.lm, '-dict', t.dict];
}

export async function locate(want: SphinxInstall): Promise<SphinxInstall> {
  const binary = want.binary.includes('/') ? await executable(want.binary) : await findOnPath(want.binary, process.env.PATH ?? '');
  if (!binary) {
    throw unavailable(`the speech engine binary '${want.binary}' was not found${want.binary.includes('/') ? ' or is not executable' : ' on PATH'}; `
      + "install the Debian package 'pocketsphinx' (apt-get install pocketsphinx) or configure its path", { binary: want.binary });
  }
  const missing: string[] = [];
  for (const f of HMM_FILES) if (!(await readable(join(want.hmm, f)))) missing.push(join(want.hmm, f));
  if (!(await readable(join(want.hmm, 'sendump'))) && !(await readable(join(want.hmm, 'mixture_weights')))) missing.push(join(want.hmm, 'sendump (or mixture_weights)'));
  for (const f of [want.lm, want.dict]) if (!(await readable(f))) missing.push(f);
  if (missing.length > 0) {
    throw unavailable(`the pocketsphinx model is incomplete: missing ${missing.join(', ')}; `
      + "install the Debian package 'pocketsphinx-en-us' (apt-get install pocketsphinx-en-us) or configure the model paths", { missing });
  }
  return { ...want, binary };
}

/** Loads the model once on an empty list: a model file that is present but unreadable fails here. */
export async function probe(found: SphinxInstall): Promise<SphinxInstall> {
  await runSphinx(found.binary, [...modelArgs(found), '-adcin', 'yes', '-ctl', '/dev/null'], 60_000, undefined);
  return found;
}

async function executable(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    await access(path, fsc.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, fsc.R_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The decoder ran past its time limit. */
export class TimeLimit extends Error {}

export function runSphinx(binary: string, args: string[], limitMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    let failure: unknown;
    const stop = (why: unknown) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(new TimeLimit()), limitMs);
    const onAbort = () => stop(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      // The log is long and chatty; errors come last, so the tail is what is worth keeping.
      log = (log + d).slice(-16_000);
    });
    child.on('error', (err) => stop(unavailable(`pocketsphinx could not be started (${binary}): ${err.message}`, { binary })));
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (failure !== undefined) return reject(failure);
      if (code === 0) return resolve();
      const errors = log.split('\n').filter((l) => /^(ERROR|FATAL)/.test(l)).slice(-3).join(' | ');
      reject(unavailable(`pocketsphinx failed (${sig ? `signal ${sig}` : `exit ${code}`}): ${errors || log.trim().split('\n').slice(-2).join(' | ') || 'no message'}`, { binary, code }));
    });
  });
}

export function unavailable(message: string, details?: Record<string, unknown>): VaultError {
  return new VaultError(ErrorCode.ENGINE_UNAVAILABLE, message, details ? { details } : undefined);
}

