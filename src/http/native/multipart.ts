import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { invalid, tooLarge } from '../../core/errors.js';
import type { UploadPart } from '../../ingest/create.js';
import { readBounded } from './read-bounded.js';

type Event =
  | { t: 'field'; name: string; value: string; truncated: boolean }
  | { t: 'file'; name: string; stream: Readable; fileName?: string; mimeType: string }
  | { t: 'error'; err: unknown }
  | { t: 'end' };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid("the 'metadata' part is not valid JSON", { field: 'metadata' });
  }
}

/**
 * A multipart/form-data body as a stream of upload parts. The `metadata` part (a field or a
 * JSON file part) carries the recording; every file part is a media file. Each media stream
 * must be consumed before the next part is pulled — busboy waits, so memory stays bounded.
 */
export async function* multipartParts(req: IncomingMessage, limits: { maxJsonBytes: number; maxParts: number }): AsyncGenerator<UploadPart> {
  const queue: Event[] = [];
  let wake: (() => void) | undefined;
  const push = (e: Event) => {
    queue.push(e);
    wake?.();
  };
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: req.headers, limits: { fieldSize: limits.maxJsonBytes, fields: 10, files: limits.maxParts, parts: limits.maxParts + 10 } });
  } catch (err) {
    throw invalid(`malformed multipart request: ${(err as Error).message}`);
  }
  // File streams not yet fully read: if the client goes away, busboy never ends them, so they are failed here.
  const open = new Set<Readable>();
  bb.on('field', (name, value, info) => push({ t: 'field', name, value, truncated: info.valueTruncated }));
  bb.on('file', (name, stream, info) => {
    open.add(stream);
    stream.once('end', () => open.delete(stream)).once('close', () => open.delete(stream));
    push({ t: 'file', name, stream, mimeType: info.mimeType, ...(info.filename ? { fileName: info.filename } : {}) });
  });
  bb.on('error', (err) => push({ t: 'error', err }));
  bb.on('filesLimit', () => push({ t: 'error', err: invalid(`an upload may carry at most ${limits.maxParts} media files`) }));
  bb.on('close', () => push({ t: 'end' }));
  const aborted = () => {
    const err = invalid('the upload was aborted by the client');
    for (const s of open) s.destroy(err);
    open.clear();
    push({ t: 'error', err });
  };
  req.on('aborted', aborted);
  req.on('close', () => {
    if (!req.complete) aborted();
  });
  req.pipe(bb);
  try {
    for (;;) {
      if (queue.length === 0) await new Promise<void>((r) => { wake = r; });
      wake = undefined;
      const e = queue.shift();
      if (!e) continue;
      switch (e.t) {
        case 'end':
          return;
        case 'error':
          throw e.err instanceof Error && 'code' in e.err ? e.err : invalid(`malformed multipart request: ${(e.err as Error).message}`);
        case 'field':
          if (e.name !== 'metadata') {
            throw invalid(`form field '${e.name}' is not a file part: send media as file parts with a filename (curl -F '${e.name}=@call.wav'), metadata as 'metadata'`);
          }
          if (e.truncated) throw tooLarge(`the 'metadata' part is larger than ${limits.maxJsonBytes} bytes`);
          yield { kind: 'metadata', json: parseJson(e.value) };
          break;
        case 'file':
          if (e.name === 'metadata') {
            yield { kind: 'metadata', json: parseJson(await readBounded(e.stream, limits.maxJsonBytes, "the 'metadata' part")) };
          } else {
            yield { kind: 'media', name: e.name, stream: e.stream, contentType: e.mimeType, ...(e.fileName ? { fileName: e.fileName } : {}) };
            // If the consumer did not read the stream (it failed), drain it so busboy can go on or finish.
            e.stream.resume();
          }
          break;
      }
    }
  } finally {
    req.unpipe(bb);
    req.resume();
  }
}
