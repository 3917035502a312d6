import { join } from 'node:path';
import { invalid } from '../core/errors.js';
import { DEFAULT_MODEL_BASE_URL, MODEL_NAMES, fetchModel } from '../asr/models.js';
import { ensureWhisperBuilt } from '../asr/whisper-build.js';

type Flags = Record<string, string | boolean | undefined>;
type Print = (o: unknown, human: string) => void;

/**
 * `callvault models fetch NAME [--dir DIR] [--url BASE]` downloads a Whisper ggml model (on a
 * machine that can reach the model host); `callvault models build` compiles whisper-cli from the
 * source the nodejs-whisper package ships (about two minutes on two cores).
 */
export async function runModels(args: string[], flags: Flags, dataDir: string, print: Print): Promise<void> {
  const [sub, name] = args;
  if (sub === 'fetch') {
    if (!name) throw invalid(`name a model to fetch: ${MODEL_NAMES.join(', ')}`);
    const dir = typeof flags.dir === 'string' ? flags.dir : join(dataDir, 'models');
    let shown = -1;
    const got = await fetchModel(name, dir, {
      ...(typeof flags.url === 'string' ? { baseUrl: flags.url } : {}),
      onProgress: (n, total) => {
        const pct = total ? Math.floor((100 * n) / total) : -1;
        if (pct >= 0 && pct >= shown + 10) { shown = pct; process.stderr.write(`  ${pct}%\n`); }
      },
    });
    print({ model: name, path: got.path, bytes: got.bytes, sha1: got.sha1, verified: got.verified, reused: got.reused },
      `${got.reused ? 'already there' : 'downloaded'}: ${got.path} (${got.bytes} bytes, SHA-1 ${got.sha1}${got.verified ? ', verified' : ''})\n`
      + `use it with CALLVAULT_ASR_ENGINE=whisper CALLVAULT_ASR_MODEL=${got.path}`);
    return;
  }
  if (sub === 'build') {
    const build = await ensureWhisperBuilt({ log: (line) => process.stderr.write(`${line}\n`) });
    print({ binary: build.binary, version: build.version, built: build.built, buildSeconds: build.buildSeconds },
      `whisper-cli ${build.version}: ${build.binary}${build.built ? ` (built in ${Math.round(build.buildSeconds)} s)` : ' (already built)'}`);
    return;
  }
  throw invalid(`unknown models command '${sub ?? ''}': use 'models fetch NAME' or 'models build' (models come from ${DEFAULT_MODEL_BASE_URL})`);
}
