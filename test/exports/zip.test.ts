import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { ZipWriter } from '../../src/exports/zip.js';
import { readZip } from '../helpers/zip.js';

async function collect(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

describe('the streaming ZIP writer', () => {
  it('writes entries from buffers and streams that an unzipper reads back byte for byte', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17);
    const zip = new ZipWriter();
    const bytes = collect(zip.stream);
    await zip.addBuffer('manifest.json', JSON.stringify({ hello: 'wörld' }));
    await zip.addStream('audio/1.mp3', Readable.from([big.subarray(0, 100_000), big.subarray(100_000)]));
    await zip.addBuffer('empty.txt', Buffer.alloc(0));
    await zip.finish();
    const files = readZip(await bytes);
    assert.deepEqual([...files.keys()], ['manifest.json', 'audio/1.mp3', 'empty.txt']);
    assert.deepEqual(JSON.parse(files.get('manifest.json')!.toString()), { hello: 'wörld' });
    assert.ok(files.get('audio/1.mp3')!.equals(big));
    assert.equal(files.get('empty.txt')!.length, 0);
  });

  it('writes an empty archive', async () => {
    const zip = new ZipWriter();
    const bytes = collect(zip.stream);
    await zip.finish();
    const buf = await bytes;
    assert.equal(buf.length, 22);
    assert.equal(readZip(buf).size, 0);
  });

  it('fails the entry, and the archive, when a source stream fails', async () => {
    const zip = new ZipWriter();
    const bytes = collect(zip.stream);
    const failing = new Readable({ read() { this.destroy(new Error('disk gone')); } });
    await assert.rejects(zip.addStream('x.bin', failing), /disk gone/);
    zip.abort(new Error('stopped'));
    await assert.rejects(bytes, /stopped/);
  });

  it('fails instead of waiting forever when the reader goes away mid-archive, and closes the source it was reading', async () => {
    const zip = new ZipWriter();
    // Nobody reads: the writer fills the stream's buffer and waits; then the stream is destroyed.
    const source = Readable.from([randomBytes(4 << 20)]);
    const adding = zip.addStream('big.bin', source);
    setTimeout(() => zip.stream.destroy(), 50);
    await assert.rejects(adding, /closed before the archive was finished/);
    assert.ok(source.destroyed, 'the source is not left open');
    await assert.rejects(zip.addBuffer('more.txt', 'x'), /closed before the archive was finished/);
  });
});
