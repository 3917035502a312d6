import type { Config } from '../config/index.js';
import { invalid, notFound } from '../core/errors.js';
import { openStore } from '../store/index.js';
import { withLogTables } from '../store/logs-schema.js';
import { verifyAll, type ChainReport } from '../audit/verify.js';

type Out = (o: Record<string, unknown>, human: string) => void;
type Flags = Record<string, string | boolean | undefined>;

function describe(r: ChainReport, name: string): string {
  const purged = r.purgedThrough > 0 ? `, entries #1-#${r.purgedThrough} removed by retention (checkpoint)` : '';
  if (r.ok) return `${name}: OK, ${r.entries} entries${r.entries ? ` (#${r.purgedThrough + 1}-#${r.lastSeq})` : ''}${purged}; head ${r.lastHash}`;
  const b = r.broken!;
  return `${name}: BROKEN at entry #${b.seq}${b.id ? ` (${b.id})` : ''}: ${b.problem}: ${b.message}\n  expected ${b.expected}\n  found    ${b.found}`;
}

/**
 * `callvault admin audit verify [--account NAME] [--json]`: walks every audit chain (or one
 * account's) from its checkpoint, recomputing each hash, and reports OK with the count or the
 * first broken link. Returns the exit code: 0 when every chain verifies, 1 otherwise.
 */
export async function runAuditAdmin(args: string[], config: Config, out: Out, flags: Flags = {}): Promise<number> {
  const [verb] = args;
  if (verb !== 'verify') throw invalid(`unknown audit command '${verb ?? ''}'. Try: audit verify [--account NAME]`);
  const store = await openStore(config.database);
  try {
    let only: string[] | undefined;
    if (typeof flags.account === 'string') {
      const acc = (await store.findAccountByName(flags.account)) ?? (await store.getAccount(flags.account));
      if (!acc) throw notFound(`account ${JSON.stringify(flags.account)}`);
      only = [acc.id];
    }
    const reports = await verifyAll(withLogTables(store.db), only);
    const names = new Map<string, string>();
    for (const r of reports) {
      const acc = r.accountId ? await store.getAccount(r.accountId) : null;
      names.set(r.accountId, r.accountId ? `account ${acc?.name ?? '(deleted)'} (${r.accountId})` : 'unattributed refusals');
    }
    const ok = reports.every((r) => r.ok);
    const entries = reports.reduce((n, r) => n + r.entries, 0);
    const lines = reports.map((r) => describe(r, names.get(r.accountId)!));
    lines.push(ok
      ? `audit trail OK: ${entries} entries in ${reports.length} chain(s) verified`
      : `audit trail BROKEN: ${reports.filter((r) => !r.ok).length} of ${reports.length} chain(s) fail verification`);
    out({
      ok, entries,
      chains: reports.map((r) => ({
        account_id: r.accountId, name: names.get(r.accountId), ok: r.ok, entries: r.entries, purged_through: r.purgedThrough,
        last_seq: r.lastSeq, last_hash: r.lastHash, ...(r.broken ? { broken: r.broken } : {}),
      })),
    }, lines.join('\n'));
    return ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
