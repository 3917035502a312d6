import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DiskBlobStore } from '../src/blobs/disk.js';
import { KeyRing } from '../src/blobs/keyring.js';
import type { ByteRange } from '../src/blobs/port.js';
import { SealedBlobs, type SealedInfo } from '../src/blobs/sealed.js';

export interface RangeBenchResult {
  /** Full sequential read, MB/s (10^6 bytes): plain fs.createReadStream (default 64 KiB blocks). */
  plainMBps: number;
  /** Full read of the same bytes sealed, through SealedBlobs.open on a DiskBlobStore. */
  sealedMBps: number;
  /** sealedMBps / plainMBps */
  ratio: number;
  /** 200 random 1 MiB ranges, MB/s, each way. */
  plainRangeMBps: number;
  sealedRangeMBps: number;
  rangeRatio: number;
  /**
   * The same plain reads with fs.createReadStream at the 256 KiB block size DiskBlobStore
   * reads with, for a like-for-like comparison, and the sealed ratios against it.
   */
  plainLargeBlockMBps: number;
  plainLargeBlockRangeMBps: number;
  ratioLargeBlock: number;
  rangeRatioLargeBlock: number;
  sizeBytes: number;
}

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;
const RANGES = 200;
const ROUNDS = 5;
const LARGE_BLOCK = 256 * 1024;

/**
 * Compares reading a ~200 MB object in plain through fs.createReadStream against reading
 * the same bytes sealed through SealedBlobs on a DiskBlobStore, fully and in random 1 MiB
 * ranges. Everything is read once first so all of it is served from the page cache; the
 * variants take turns in each of several rounds and the best round counts, which damps
 * noise from other load on the machine. Streams are consumed by piping (as an HTTP
 * response does). Works in a fresh folder under `dir`, removed afterwards.
 */
export async function benchRange(dir: string): Promise<RangeBenchResult> {
  const work = await mkdtemp(join(dir, 'callvault-range-bench-'));
  try {
    const plainPath = join(work, 'plain.bin');
    await pipeline(randomBlocks(SIZE), createWriteStream(plainPath));
    const store = new DiskBlobStore(join(work, 'store'));
    await store.init();
    const sealed = new SealedBlobs(store, KeyRing.generate());
    const key = 'media/bench/rec/media';
    const info = await sealed.seal(key, createReadStream(plainPath));

    const readers: Record<'plain' | 'large' | 'sealed', (range?: ByteRange) => Promise<number>> = {
      plain: (range) => drain(createReadStream(plainPath, range ?? {})),
      large: (range) => drain(createReadStream(plainPath, { ...range, highWaterMark: LARGE_BLOCK })),
      sealed: async (range) => drain(await sealed.open(key, info, range)),
    };
    // Warm-up, and a check that the sealed path returns the right number of bytes.
    await readers.plain();
    if ((await readers.sealed()) !== SIZE) throw new Error('sealed read returned the wrong size');

    const ranges = randomRanges(info, RANGES, MiB, 7);
    const full = { plain: Infinity, large: Infinity, sealed: Infinity };
    const ranged = { ...full };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of ['plain', 'large', 'sealed'] as const) {
        const read = readers[name];
        full[name] = Math.min(full[name], await timed(() => read()));
        ranged[name] = Math.min(
          ranged[name],
          await timed(async () => {
            for (const r of ranges) await read(r);
          }),
        );
      }
    }

    const mbps = (bytes: number, seconds: number) => Math.round(bytes / 1e6 / seconds);
    const rangeBytes = RANGES * MiB;
    const r = {
      plainMBps: mbps(SIZE, full.plain),
      sealedMBps: mbps(SIZE, full.sealed),
      plainRangeMBps: mbps(rangeBytes, ranged.plain),
      sealedRangeMBps: mbps(rangeBytes, ranged.sealed),
      plainLargeBlockMBps: mbps(SIZE, full.large),
      plainLargeBlockRangeMBps: mbps(rangeBytes, ranged.large),
    };
    return {
      ...r,
      ratio: round2(r.sealedMBps / r.plainMBps),
      rangeRatio: round2(r.sealedRangeMBps / r.plainRangeMBps),
      ratioLargeBlock: round2(r.sealedMBps / r.plainLargeBlockMBps),
      rangeRatioLargeBlock: round2(r.sealedRangeMBps / r.plainLargeBlockRangeMBps),
      sizeBytes: SIZE,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function* randomBlocks(total: number): AsyncGenerator<Buffer> {
  for (let done = 0; done < total; done += MiB) yield randomBytes(Math.min(MiB, total - done));
}

/** Consumes a stream the way an HTTP response does (piped, not async-iterated) and counts bytes. */
async function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let n = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      n += chunk.length;
      done();
    },
  });
  await pipeline(stream, sink);
  return n;
}

async function timed(task: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await task();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Deterministic ranges (same for both paths), not aligned to chunks. */
function randomRanges(info: SealedInfo, count: number, length: number, seed: number): ByteRange[] {
  let s = seed;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: count }, () => {
    const start = Math.floor(next() * (info.size - length));
    return { start, end: start + length - 1 };
  });
}

const round2 = (x: number) => Math.round(x * 100) / 100;
