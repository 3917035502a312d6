import type { Kysely } from 'kysely';
import type { Config } from '../config/index.js';
import type { Database } from '../store/schema.js';

/**
 * The audit trail and the activity logs (filled in by the logs work): what the rest of the
 * vault calls to record things. Everything here is a placeholder until then.
 */
export interface Logs {
  /** Stops background flushing; called on shutdown. */
  close(): Promise<void>;
}

export function createLogs(_db: Kysely<Database>, _config: Config): Logs {
  return { close: async () => undefined };
}
