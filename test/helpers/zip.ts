import assert from 'node:assert/strict';
import { crc32, inflateRawSync } from 'node:zlib';

/**
 * Reads a whole ZIP from memory the way an unzipper does: from the end-of-central-directory
 * record, through the central directory, to each local header and its data. Checks every
 * entry's size and CRC-32 against the directory. Tests only: archives here are small.
 */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  assert.equal(at + zip.readUInt32LE(eocd + 12), eocd, 'central directory size and offset must meet the end record');
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'central directory entry signature');
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const csize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const n = zip.readUInt16LE(at + 28), m = zip.readUInt16LE(at + 30), k = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + n).toString('utf8');
    assert.equal(zip.readUInt32LE(local), 0x04034b50, `local header signature of ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + csize);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    assert.equal(data.length, size, `size of ${name}`);
    assert.equal(crc32(data) >>> 0, crc, `CRC-32 of ${name}`);
    out.set(name, data);
    at += 46 + n + m + k;
  }
  return out;
}
