import type { LogsDb } from '../store/logs-schema.js';
import { chainAccounts, chainEntry, chainHead, chainLinks, type ChainHead, type ChainLink } from '../store/logs-chain.js';
import { GENESIS_HASH, canonicalText, hashCanonical, linksTo, wellFormed } from './chain.js';

/**
 * What can be wrong with a chain, found walking it in seq order from its checkpoint:
 * - edited: an entry's fields no longer hash to its stored hash;
 * - relinked: an entry's prevHash is not the previous entry's hash (an entry before it was
 *   replaced wholesale, hash included);
 * - removed: a gap in the seq numbers (entries deleted from the middle or the start);
 * - truncated: the head says the chain is longer than what is left (entries deleted at the end);
 * - unrecorded: entries past the head, or entries whose chain has no head (inserted behind the server's back);
 * - head: the head's last hash does not match the last entry.
 */
export type Problem = 'edited' | 'relinked' | 'removed' | 'truncated' | 'unrecorded' | 'head';

export interface BrokenLink {
  problem: Problem;
  /** The entry where the chain breaks (for removals: the first missing seq). */
  seq: number;
  /** Id of the offending entry, or of the first entry after a gap; null when there is none. */
  id: string | null;
  expected: string;
  found: string;
  message: string;
}

export interface ChainReport {
  accountId: string;
  ok: boolean;
  /** Entries checked. */
  entries: number;
  /** Entries before this seq were removed by retention; the walk starts from that checkpoint. */
  purgedThrough: number;
  lastSeq: number;
  lastHash: string;
  broken?: BrokenLink;
}

/** Entries read per query: bounds memory whatever the chain's length. */
const SLICE = 10_000;

/** The fast check every entry gets: well-formed, linked to the previous hash, hashing to its stored hash. */
function sound(link: ChainLink, prev: string): boolean {
  return typeof link.text === 'string' && wellFormed(link.text) && linksTo(link.text, prev) && hashCanonical(link.text) === link.hash;
}

/** Walks one chain from its checkpoint to its head and stops at the first broken link. */
export async function verifyChain(db: LogsDb, accountId: string, head0?: ChainHead | null): Promise<ChainReport> {
  const idOf = async (s: number) => (await chainEntry(db, accountId, s))?.id ?? null;
  // The slow path, once: read the whole entry to say what is wrong with it.
  const explain = async (link: ChainLink, prev: string): Promise<BrokenLink> => {
    const e = await chainEntry(db, accountId, link.seq);
    const id = e?.id ?? null;
    if (e && e.prevHash !== prev) {
      return { problem: 'relinked', seq: link.seq, id, expected: prev, found: e.prevHash,
        message: `entry #${link.seq} (${id}) does not point back to the entry before it: that entry was replaced, or this one's link edited` };
    }
    let expected = 'fields without control characters';
    try {
      if (e) expected = hashCanonical(canonicalText(e, e.seq, e.prevHash));
    } catch { /* a field holds a control character: the server never writes one */ }
    return { problem: 'edited', seq: link.seq, id, expected, found: link.hash,
      message: `entry #${link.seq} (${id}) was edited: its fields no longer hash to the stored ${link.hash}` };
  };
  let head = head0 === undefined ? await chainHead(db, accountId) : head0;
  const purgedThrough = head?.purged_seq ?? 0;
  let seq = purgedThrough;
  let prev = head?.purged_hash ?? GENESIS_HASH;
  let entries = 0;
  const report = (broken?: BrokenLink): ChainReport => ({
    accountId, ok: !broken, entries, purgedThrough, lastSeq: seq, lastHash: prev, ...(broken ? { broken } : {}),
  });
  for (;;) {
    const slice = await chainLinks(db, accountId, seq, SLICE);
    for (const link of slice) {
      if (!head) {
        return report({ problem: 'unrecorded', seq: link.seq, id: await idOf(link.seq), expected: 'a chain head', found: 'none',
          message: `entries exist but the chain has no head row: entry #${link.seq} was not written by the server` });
      }
      if (link.seq !== seq + 1) {
        return report({ problem: 'removed', seq: seq + 1, id: await idOf(link.seq), expected: `seq ${seq + 1}`, found: `seq ${link.seq}`,
          message: `entries #${seq + 1}${link.seq - 1 > seq + 1 ? `-#${link.seq - 1}` : ''} were removed (the next entry left is #${link.seq})` });
      }
      if (!sound(link, prev)) return report(await explain(link, prev));
      seq = link.seq;
      prev = link.hash;
      entries++;
    }
    if (slice.length === SLICE) continue;
    // Caught up with what was there: compare with the head, re-read in case the server appended meanwhile.
    head = await chainHead(db, accountId);
    if (!head) return report();
    if (head.last_seq === seq) {
      if (head.last_hash === prev) return report();
      return report({ problem: 'head', seq, id: null, expected: head.last_hash, found: prev,
        message: `the chain head records hash ${head.last_hash} for entry #${seq}, the entry has ${prev}` });
    }
    if (head.last_seq < seq) {
      return report({ problem: 'unrecorded', seq: head.last_seq + 1, id: null, expected: `last seq ${head.last_seq}`, found: `seq ${seq}`,
        message: `entries #${head.last_seq + 1}-#${seq} lie past the chain head: they were not written by the server` });
    }
    const more = await chainLinks(db, accountId, seq, 1);
    if (more.length === 0) {
      return report({ problem: 'truncated', seq: seq + 1, id: null, expected: `seq ${head.last_seq}`, found: seq === purgedThrough ? 'no entries' : `seq ${seq}`,
        message: `entries #${seq + 1}-#${head.last_seq} were removed from the end of the chain` });
    }
  }
}

/** Verifies every chain (or the given accounts'), one after the other. */
export async function verifyAll(db: LogsDb, accountIds?: string[]): Promise<ChainReport[]> {
  const chains = await chainAccounts(db);
  const wanted = accountIds
    ? accountIds.map((id) => chains.find((c) => c.accountId === id) ?? { accountId: id, head: null })
    : chains;
  const out: ChainReport[] = [];
  for (const c of wanted) out.push(await verifyChain(db, c.accountId, c.head));
  return out;
}
