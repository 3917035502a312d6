#!/usr/bin/env node
// Installs the Debian packages callvault uses beside its npm dependencies, when they are missing:
// the default speech engine and its model (pocketsphinx, pocketsphinx-en-us), ffmpeg, the tools
// the test suite synthesises speech with (festival and two voices, sox) and what building
// whisper.cpp needs (cmake, a C++ compiler). Runs from `npm install` (postinstall).
//
// Only as root on a machine with apt-get; elsewhere it prints the command to run and carries on
// (the server starts without them: the transcription engine then reports what is missing).
// CALLVAULT_SKIP_SYSTEM_DEPS=1 skips it.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';

const onPath = (cmd) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));

/** What must be there, and the package that brings it. */
const NEEDS = [
  ['pocketsphinx', () => onPath('pocketsphinx_batch')],
  ['pocketsphinx-en-us', () => existsSync('/usr/share/pocketsphinx/model/en-us/en-us/mdef')],
  ['ffmpeg', () => onPath('ffmpeg') && onPath('ffprobe')],
  ['festival', () => onPath('festival') && onPath('text2wave')],
  ['festvox-us-slt-hts', () => existsSync('/usr/share/festival/voices/us/cmu_us_slt_arctic_hts')],
  ['festvox-kallpc16k', () => existsSync('/usr/share/festival/voices/english/kal_diphone')],
  ['sox', () => onPath('sox')],
  ['cmake', () => onPath('cmake')],
  ['make', () => onPath('make')],
  ['g++', () => onPath('g++')],
];

if (process.env.CALLVAULT_SKIP_SYSTEM_DEPS || process.platform !== 'linux') process.exit(0);
const missing = NEEDS.filter(([, present]) => !present()).map(([pkg]) => pkg);
if (missing.length === 0) process.exit(0);

const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !onPath('apt-get')) {
  console.warn(`callvault: these system packages are missing: ${missing.join(', ')}.\n`
    + `  Install them (as root): apt-get update && ${command}\n`
    + '  The server runs without them; transcription and the speech tests need them.');
  process.exit(0);
}

console.log(`callvault: installing system packages: ${missing.join(', ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
// A fresh machine has no package lists yet; update once, then install.
const ok = run(['install', '-y', '--no-install-recommends', ...missing]) || (run(['update']) && run(['install', '-y', '--no-install-recommends', ...missing]));
if (!ok) {
  console.warn(`callvault: could not install ${missing.join(', ')} (see apt-get's output above). Install them yourself: ${command}`);
}
