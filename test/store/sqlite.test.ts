import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { metadataStoreConformance } from '../conformance/metadata-store.js';

const dir = mkdtempSync(join(tmpdir(), 'callvault-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

metadataStoreConformance('SQLite (file, WAL)', async () => {
  const store = openSqliteStore(join(dir, `${Math.random().toString(16).slice(2)}.db`));
  await store.migrate();
  return store;
});
