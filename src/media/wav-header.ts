/**
 * Reads how long a RIFF/WAVE file says it is, from its first bytes: the offset of the `data`
 * chunk plus its declared size. Used to tell a truncated file (fewer bytes than its header
 * promises) from a complete one. Returns undefined when the bytes are not a WAV, the header
 * is not within `head`, or the size is the streaming placeholder (0 or 0xFFFFFFFF).
 */
export function declaredWavLength(head: Buffer): number | undefined {
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let at = 12;
  while (at + 8 <= head.length) {
    const id = head.toString('latin1', at, at + 4);
    const size = head.readUInt32LE(at + 4);
    if (id === 'data') {
      if (size === 0 || size === 0xffffffff) return undefined;
      return at + 8 + size;
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/** Collects the first `max` bytes of a stream as it passes. */
export class HeadCollector {
  private readonly parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly max = 64 * 1024) {}

  add(chunk: Buffer): void {
    if (this.size >= this.max) return;
    const take = chunk.subarray(0, this.max - this.size);
    this.parts.push(take);
    this.size += take.length;
  }

  get bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}
