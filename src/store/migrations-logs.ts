import type { Kysely, Migration } from 'kysely';
import type { Dialect } from './migrations.js';

/** Tables of the audit trail and the activity logs (filled in by the logs work). */
export function logsMigration(_dialect: Dialect): Migration {
  return {
    async up(_db: Kysely<unknown>) {
      // created by the logs work
    },
  };
}
