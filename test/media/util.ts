import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { VaultError } from '../../src/core/errors.js';
import { startProbe, type MediaFacts, type ProbeOptions } from '../../src/media/probe.js';

/** Streams a file through a probe, as an upload would. */
export async function probeWith(ffprobe: string, file: string, opts?: ProbeOptions): Promise<MediaFacts> {
  const { sink, result } = startProbe({ ffprobe }, opts);
  await pipeline(createReadStream(file), sink);
  return result;
}

/** Expects the probe to refuse, and returns its VaultError. */
export async function refusal(p: Promise<unknown>): Promise<VaultError> {
  const err = await p.then(
    () => assert.fail('expected the probe to refuse the file'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof VaultError, `expected a VaultError, got ${String(err)}`);
  return err;
}
