#!/usr/bin/env node
// `node scripts/build-whisper.mjs [--jobs N] [--json]`: compiles whisper-cli from the whisper.cpp
// source shipped in node_modules/nodejs-whisper into the cache (CALLVAULT_WHISPER_CACHE, else
// ~/.cache/callvault), or reuses an earlier build, then reports whether the binary uses AVX.
// The build logic lives in src/asr/whisper-build.ts so the server and tests share it: run
// `npm run build` first.
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { jobs: { type: 'string' }, json: { type: 'boolean', default: false } } });

let mod;
try {
  mod = await import('../dist/src/asr/whisper-build.js');
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('callvault is not compiled yet: run `npm run build` first.');
    process.exit(1);
  }
  throw err;
}

const log = (line) => console.error(line);
try {
  const build = await mod.ensureWhisperBuilt({ log, ...(values.jobs ? { jobs: Number(values.jobs) } : {}) });
  const ymm = await mod.countYmmInstructions(build.binary);
  const result = { ...build, ymmInstructions: ymm ?? null };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`whisper-cli ${build.version}: ${build.binary}`);
    console.log(build.built ? `built in ${build.buildSeconds} s` : `reused the cached build (compiled in ${build.buildSeconds} s)`);
    console.log(ymm === undefined ? 'AVX check skipped: objdump is not installed' : `AVX (ymm) instructions: ${ymm}`);
  }
  if (ymm === 0) {
    console.error('warning: the binary has no AVX instructions; expect transcription to run many times slower');
    process.exitCode = 2;
  }
} catch (err) {
  console.error(err && err.message ? err.message : err);
  process.exit(1);
}
