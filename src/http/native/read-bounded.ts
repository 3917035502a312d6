import { tooLarge } from '../../core/errors.js';

/** Reads a small body or part whole as text, refusing with 413 past `max` bytes (`what` names it in the error). */
export async function readBounded(stream: NodeJS.ReadableStream, max: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    size += (c as Buffer).length;
    if (size > max) throw tooLarge(`${what} is larger than ${max} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
