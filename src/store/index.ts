import type { Config } from '../config/index.js';
import type { MetadataStore } from './port.js';
import { openSqliteStore } from './sqlite.js';

export type { MetadataStore, MediaSecret } from './port.js';

/** Picks the adapter named by the config; callers only ever see the port. */
export async function openStore(db: Config['database']): Promise<MetadataStore> {
  switch (db.kind) {
    case 'sqlite': {
      const store = openSqliteStore(db.path);
      await store.migrate();
      return store;
    }
  }
}
