import type { Config } from '../config/index.js';
import { openSqliteStore } from './sqlite.js';
import type { SqlStore } from './sql-store.js';

export type { MetadataStore, MediaSecret } from './port.js';
export type { SqlStore } from './sql-store.js';

/**
 * Picks the adapter named by the config. Services see only the MetadataStore port; the
 * concrete SqlStore is returned so that the wiring can hand its query builder to other
 * SQL-backed repositories (logs) sharing the same database.
 */
export async function openStore(db: Config['database']): Promise<SqlStore> {
  switch (db.kind) {
    case 'sqlite': {
      const store = openSqliteStore(db.path);
      await store.migrate();
      return store;
    }
  }
}
