import { DiskBlobStore } from './disk.js';
import type { BlobStore } from './port.js';

/** Which backend holds media; a union so an `{ kind: 's3', ... }` member can join later. */
export type BlobStoreConfig = { kind: 'disk'; root: string };

/** Builds the configured store; call `init()` on it at boot before use. */
export function createBlobStore(cfg: BlobStoreConfig): BlobStore {
  switch (cfg.kind) {
    case 'disk':
      return new DiskBlobStore(cfg.root);
  }
}

export { DiskBlobStore } from './disk.js';
export { KeyRing, type WrappedKey } from './keyring.js';
export {
  MAX_KEY_LENGTH,
  assertValidKey,
  resolveRange,
  type BlobBody,
  type BlobStore,
  type ByteRange,
} from './port.js';
export { SealedBlobs, type OpenInfo, type SealedInfo } from './sealed.js';
export { DEFAULT_CHUNK_SIZE } from './sealed-format.js';
