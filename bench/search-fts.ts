/**
 * Full-text search over transcripts: can SQLite FTS5 answer the first page of a search (25
 * recordings, newest call first) within 100 ms at p99 over 1,000,000 transcripts?
 *
 *   node dist/bench/search-fts.js [--docs=N] [--designs=a,b] [--samples=N]
 *
 * Builds once (cached under bench/.cache/search-fts-*) an index of synthetic call transcripts:
 * a call-centre vocabulary drawn Zipf-like, agent and customer turns with stock phrases, notes
 * on some calls, and a `recordings` table with the start time (a tenth of the calls are
 * uploaded late, so insertion order is not call order). Then times typical queries compiled by
 * the real parser and FTS5 compiler (prefixes expanded from a term table), two ways: the page
 * straight from FTS5 ordered by rowid, where the rowid is a time-ordered search key, and the
 * page joined to recordings and sorted by start time. Each index is measured as built and
 * again after FTS5 'optimize'.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { parseQuery } from '../src/search/query.js';
import { toFts5, type Fts5Columns } from '../src/search/fts5.js';
import { cacheRoot } from './seed.js';
import { naturalSearchKey } from '../src/store/search-sql.js';
import { FTS_COLUMNS } from '../src/store/search-match.js';
import { rng, YEAR_END, YEAR_START } from './synth.js';
import { fmt, summarize } from './http-load.js';
import { resultLine, type Log, type SummaryRow } from './report.js';

export const SEARCH_TARGET_MS = 100;
/** Bumped when the generated data or the key changes (rebuilds the cached index). */
const GENERATOR = 2;

/** The FTS5 table options of each candidate design. */
export const DESIGNS: Record<string, string> = {
  contentless: "content='', contentless_delete=1, detail=full",
  'contentless-prefix': "content='', contentless_delete=1, detail=full, prefix='2 3'",
  'contentless-column': "content='', contentless_delete=1, detail=column",
  stored: 'detail=full',
};
/** The store's own column map, so the bench compiles queries exactly as the list does. */
const COLUMNS: Fts5Columns = FTS_COLUMNS;

const FUNCTION = ('the you i to a and it that is of my for your this have in we can on be is it so what just not with'
  + ' me do at there will if but are all about know get was like no yes okay one right they our would from can').split(' ');
const DOMAIN = ('account call calling help number card payment bill refund order thank please service today need problem'
  + ' customer phone email address time month charge cancel subscription manager week policy credit balance'
  + ' transfer hold minute check information support internet plan issue sorry update password delivery'
  + ' package tracking return invoice contract price discount offer upgrade technician appointment network'
  + ' signal router modem reset login verify security date birth code postcode late fee overdue direct debit'
  + ' statement complaint escalate supervisor callback ticket reference case claim damage warranty replacement'
  + ' shipping store branch loan mortgage interest rate insurance premium coverage renewal quote chargeback fraud').split(' ');
const PHRASES = {
  agent: ['thank you for calling', 'how can i help you today', 'can i have your account number please', 'is there anything else i can help you with',
    'let me check that for you', 'please hold for a moment', 'i will transfer you to my supervisor', 'i can offer you a discount'],
  customer: ['i want to cancel my subscription', 'i was charged twice', 'my internet is not working', 'i would like a refund',
    'can i speak to a manager', 'i never received my package', 'i forgot my password', 'why is my bill so high'],
};

/** Pseudo-words for the long tail: n written in base 200 with one syllable per digit. */
function tailWord(n: number): string {
  const on = ['b', 'br', 'c', 'cl', 'd', 'dr', 'f', 'g', 'gr', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'pl', 'r', 's', 'st', 't', 'tr', 'v', 'w', 'z'];
  const nu = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou'];
  const co = ['', 'n', 'r', 'l', 's', 't', 'x', 'nd', 'rk', 'lt'];
  let w = '';
  for (let k = n + 200; k > 0; k = Math.floor(k / 200)) w += on[k % 25]! + nu[Math.floor((k % 200) / 25)]!;
  return w + co[n % co.length]!;
}

/** Ranked vocabulary: function and domain words interleaved at the head, pseudo-words after. */
function vocabulary(size: number): string[] {
  const head: string[] = [];
  for (let i = 0; i < Math.max(FUNCTION.length, DOMAIN.length); i++) {
    if (FUNCTION[i] && !head.includes(FUNCTION[i]!)) head.push(FUNCTION[i]!);
    if (DOMAIN[i] && !head.includes(DOMAIN[i]!)) head.push(DOMAIN[i]!);
  }
  const seen = new Set(head);
  for (let n = 0; head.length < size; n++) {
    const w = tailWord(n);
    if (!seen.has(w)) { seen.add(w); head.push(w); }
  }
  return head;
}

/** Walker's alias method: O(1) draws from a fixed discrete distribution. */
function aliasSampler(weights: number[], r: () => number): () => number {
  const n = weights.length, total = weights.reduce((a, b) => a + b, 0);
  const prob = new Float64Array(n), alias = new Int32Array(n);
  const scaled = weights.map((w) => (w * n) / total);
  const small: number[] = [], large: number[] = [];
  scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
  while (small.length && large.length) {
    const s = small.pop()!, l = large.pop()!;
    prob[s] = scaled[s]!; alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    (scaled[l]! < 1 ? small : large).push(l);
  }
  for (const i of [...small, ...large]) prob[i] = 1;
  return () => {
    const i = Math.floor(r() * n);
    return r() < prob[i]! ? i : alias[i]!;
  };
}

interface Built {
  dbPath: string; docs: number; design: string; buildSeconds: number; sizeBytes: number; cached: boolean; vocab: string[];
  /** Whether the index was merged into one segment ('optimize'); a live index mostly is not. */
  optimized: boolean;
}

function usedBytes(db: BetterSqlite3.Database): number {
  const pages = Number(db.pragma('page_count', { simple: true })) - Number(db.pragma('freelist_count', { simple: true }));
  return pages * Number(db.pragma('page_size', { simple: true }));
}

/** Merges the index into one segment (what a nightly 'optimize' would do) and records it in the cache. */
export function optimizeIndex(built: Built, log: Log): Built {
  const db = new BetterSqlite3(built.dbPath);
  try {
    const t0 = performance.now();
    db.exec("INSERT INTO fts (fts) VALUES ('optimize')");
    const seconds = (performance.now() - t0) / 1000;
    const sizeBytes = usedBytes(db);
    log(`search-fts [${built.design}]: 'optimize' took ${seconds.toFixed(1)} s; index now ${(sizeBytes / 1e9).toFixed(2)} GB`);
    const doneFile = join(built.dbPath, '..', 'done.json');
    writeFileSync(doneFile, JSON.stringify({ ...JSON.parse(readFileSync(doneFile, 'utf8')), optimized: true, optimizeSeconds: seconds, sizeBytes }));
    return { ...built, optimized: true, sizeBytes };
  } finally {
    db.close();
  }
}

const VOCAB_SIZE = 100_000;

export function buildIndex(docs: number, design: string, log: Log): Built {
  const options = DESIGNS[design];
  if (!options) throw new Error(`unknown design ${design}; one of ${Object.keys(DESIGNS).join(', ')}`);
  const vocab = vocabulary(VOCAB_SIZE);
  const dir = join(cacheRoot(), `search-fts-${docs}-${design}-g${GENERATOR}`);
  const dbPath = join(dir, 'fts.db');
  const doneFile = join(dir, 'done.json');
  if (existsSync(doneFile)) {
    const done = JSON.parse(readFileSync(doneFile, 'utf8')) as { buildSeconds: number; sizeBytes: number; optimized?: boolean };
    return { dbPath, docs, design, buildSeconds: done.buildSeconds, sizeBytes: done.sizeBytes, cached: true, vocab, optimized: done.optimized === true };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = rng(7);
  const zipf = aliasSampler(vocab.map((_, i) => 1 / (i + 2.7)), r);
  const db = new BetterSqlite3(dbPath);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    db.exec(`CREATE TABLE recordings (seq INTEGER PRIMARY KEY, start_ms INTEGER NOT NULL, search_key INTEGER NOT NULL,
        account_id TEXT NOT NULL, deleted_at INTEGER);
      CREATE VIRTUAL TABLE fts USING fts5(agent, customer, other, notes, ${options});`);
    const insRec = db.prepare('INSERT INTO recordings (seq, start_ms, search_key, account_id) VALUES (?, ?, ?, ?)');
    const insFts = db.prepare('INSERT INTO fts (rowid, agent, customer, other, notes) VALUES (?, ?, ?, ?, ?)');
    const span = (YEAR_END - YEAR_START) / docs;
    const words = (n: number) => {
      const out: string[] = [];
      for (let k = 0; k < n; k++) out.push(vocab[zipf()]!);
      return out;
    };
    let tokens = 0;
    const t0 = performance.now();
    db.transaction(() => {
      for (let seq = 1; seq <= docs; seq++) {
        const late = r() < 0.1;
        const start = Math.floor(late ? YEAR_START + r() * (seq * span) : YEAR_START + (seq - 1 + r()) * span);
        // The store's own key (start second, then seq): FTS5 rowids sorted like the calls.
        const key = naturalSearchKey(start, seq);
        const turns: Record<'agent' | 'customer' | 'other', string[]> = { agent: [], customer: [], other: [] };
        const length = 100 + Math.floor(r() * 201);
        for (let n = 0, who: 'agent' | 'customer' | 'other' = 'agent'; n < length;) {
          const turn = words(3 + Math.floor(r() * 20));
          if (who !== 'other' && r() < 0.35) turn.unshift(PHRASES[who][Math.floor(r() * PHRASES[who].length)]!);
          turns[who].push(turn.join(' '));
          n += turn.length;
          who = r() < 0.03 ? 'other' : who === 'agent' ? 'customer' : 'agent';
        }
        const notes = r() < 0.1 ? words(5 + Math.floor(r() * 15)).join(' ') : null;
        tokens += length;
        insRec.run(seq, start, key, seq % 50 === 0 ? 'acc_other' : 'acc_bench');
        insFts.run(key, turns.agent.join('\n'), turns.customer.join('\n'), turns.other.join('\n'), notes);
        if (seq % 100_000 === 0) log(`search-fts [${design}]: ${seq.toLocaleString('en-US')} transcripts, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      }
    })();
    const tInsert = performance.now();
    db.exec('CREATE UNIQUE INDEX recordings_key ON recordings (search_key); CREATE INDEX recordings_start ON recordings (start_ms)');
    const buildSeconds = (performance.now() - t0) / 1000;
    const sizeBytes = usedBytes(db);
    const ftsBytes = Number(db.prepare("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'fts%'").pluck().get() ?? 0);
    log(`search-fts [${design}]: ${docs.toLocaleString('en-US')} transcripts (~${Math.round(tokens / docs)} words each) built in ${buildSeconds.toFixed(1)} s `
      + `(one transaction: ${Math.round(tokens / ((tInsert - t0) / 1000)).toLocaleString('en-US')} words/s; recordings indexes ${((performance.now() - tInsert) / 1000).toFixed(1)} s); `
      + `database ${(sizeBytes / 1e9).toFixed(2)} GB of which FTS ${(ftsBytes / 1e9).toFixed(2)} GB`);
    writeFileSync(doneFile, JSON.stringify({ docs, design, buildSeconds, sizeBytes, ftsBytes, builtAt: new Date().toISOString() }));
    return { dbPath, docs, design, buildSeconds, sizeBytes, cached: false, vocab, optimized: false };
  } finally {
    db.close();
  }
}

/** Typical searches, several spellings of each kind (different words) for the percentiles. */
function queryKinds(vocab: string[]): Record<string, string[]> {
  // Quoted, so a common word that is also an operator ("and", "not") stays a word.
  const pick = (from: number, to: number, n: number) => Array.from({ length: n }, (_, i) => vocab[from + Math.floor(((to - from) * i) / n)]!);
  const mid = pick(30, 200, 20), common = pick(8, 30, 10), rare = pick(60_000, 99_000, 20);
  const q = (w: string) => `"${w}"`;
  return {
    'rare word': rare.map(q),
    'common word': common.map(q),
    'phrase (stock)': [...PHRASES.agent, ...PHRASES.customer].map((p) => q(p.split(' ').slice(-3).join(' '))),
    'phrase (two mid words)': mid.map((w, i) => q(`${w} ${mid[(i + 1) % mid.length]}`)),
    AND: mid.map((w, i) => `${q(w)} AND ${q(mid[(i + 7) % mid.length]!)}`),
    'AND rare+common': rare.slice(0, 10).map((w, i) => `${q(w)} ${q(common[i % common.length]!)}`),
    OR: mid.map((w, i) => `${q(w)} OR ${q(rare[i]!)}`),
    'prefix (4 letters)': mid.filter((w) => w.length > 4).map((w) => `${q(w.slice(0, 4))}*`),
    'prefix (2 letters)': ['ca', 're', 'pa', 'ch', 'st', 'tr', 'pl', 'co'].map((p) => `${q(p)}*`),
    NOT: mid.map((w, i) => `${q(w)} -${q(mid[(i + 3) % mid.length]!)}`),
    'field (customer:)': mid.map((w) => `customer:${q(w)}`),
  };
}

export interface SearchFtsOptions { docs?: number; designs?: string[]; samples?: number; joinSamples?: number; log?: Log }

/**
 * The indexed words in a plain table (the store keeps it up to date on every put), so a prefix
 * can be expanded by a range read; here filled once from fts5vocab, which is too slow to read
 * per query because it counts every posting of the words it returns.
 */
function ensureTermTable(built: Built, log: Log): void {
  const db = new BetterSqlite3(built.dbPath);
  try {
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'fts_terms'").get()) return;
    const t0 = performance.now();
    db.exec(`CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, fts, 'row');
      CREATE TABLE fts_terms (term TEXT PRIMARY KEY) WITHOUT ROWID; INSERT INTO fts_terms SELECT term FROM temp.vocab`);
    const n = Number(db.prepare('SELECT count(*) FROM fts_terms').pluck().get());
    log(`search-fts [${built.design}]: term table of ${n.toLocaleString('en-US')} words filled from fts5vocab in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    db.close();
  }
}

/** Times every query kind on one index; returns the worst p99 of the list query (first page + capped count). */
function measureQueries(built: Built, opts: SearchFtsOptions, log: Log): number {
  const db = new BetterSqlite3(built.dbPath, { readonly: true });
  try {
    db.pragma('cache_size = -262144');
    const page = db.prepare(`SELECT r.seq FROM (SELECT rowid AS k FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT 25) f
      JOIN recordings r ON r.search_key = f.k ORDER BY f.k DESC`).pluck();
    const joined = db.prepare(`SELECT r.seq FROM fts JOIN recordings r ON r.search_key = fts.rowid
      WHERE fts MATCH ? ORDER BY r.start_ms DESC, r.seq DESC LIMIT 25`).pluck();
    const count = db.prepare('SELECT count(*) FROM (SELECT rowid FROM fts WHERE fts MATCH ? LIMIT 10001)').pluck();
    // What the store's list runs for a search (listByText): the page and the capped count, both through recordings.
    const listPage = db.prepare(`SELECT r.seq FROM fts JOIN recordings r ON r.search_key = fts.rowid
      WHERE fts MATCH ? AND r.account_id = 'acc_bench' AND r.deleted_at IS NULL ORDER BY fts.rowid DESC LIMIT 26`).pluck();
    const listCount = db.prepare(`SELECT count(*) FROM (SELECT r.seq FROM fts JOIN recordings r ON r.search_key = fts.rowid
      WHERE fts MATCH ? AND r.account_id = 'acc_bench' AND r.deleted_at IS NULL LIMIT 10001)`).pluck();
    const list = { all: (m: string) => { listPage.all(m); return listCount.get(m); } };
    const terms = db.prepare('SELECT term FROM fts_terms WHERE term >= ? AND term < ? LIMIT 4097').pluck();
    // Prefix lengths with their own prefix index are faster left to FTS5.
    const indexed = (/prefix='([0-9 ]+)'/.exec(DESIGNS[built.design]!)?.[1] ?? '').split(' ').map(Number);
    const expandPrefix = (p: string) => (indexed.includes([...p].length) ? null : terms.all(p, `${p}\u{10ffff}`) as string[]);
    let worst = 0;
    const kinds = Object.entries(queryKinds(built.vocab)).map(([kind, queries]) => ({ kind, queries, expand: true }));
    const native = kinds.find((k) => k.kind.startsWith('prefix (4'))!;
    kinds.push({ ...native, kind: `${native.kind}, FTS5 *`, expand: false });
    for (const { kind, queries, expand } of kinds) {
      const nodes = queries.map((q) => parseQuery(q));
      const compile = (k: number) => toFts5(nodes[k % nodes.length]!, COLUMNS, expand ? { expandPrefix } : {});
      // The compile is timed too: for prefixes it includes reading the term table.
      const time = (stmt: BetterSqlite3.Statement, n: number): { ms: number[]; error?: string } => {
        const ms: number[] = [];
        for (let k = 0; k < n; k++) {
          const t0 = performance.now();
          try {
            stmt.all(compile(k));
          } catch (err) {
            return { error: (err as Error).message, ms };
          }
          ms.push(performance.now() - t0);
        }
        return { ms };
      };
      const p = time(page, opts.samples ?? 200);
      if (p.error) {
        log(`  ${kind.padEnd(28)} not supported by this design: ${p.error}`);
        continue;
      }
      const sp = summarize(p.ms), sc = summarize(time(count, 20).ms), sj = summarize(time(joined, opts.joinSamples ?? 20).ms);
      const sl = summarize(time(list as unknown as BetterSqlite3.Statement, opts.samples ?? 200).ms);
      if (expand) worst = Math.max(worst, sl.p99);
      const matched = summarize(nodes.map((_, k) => Number(count.get(compile(k)))));
      log(`  ${kind.padEnd(28)} list (page + count, as the store runs it) p50 ${fmt(sl.p50, 2)} / p99 ${fmt(sl.p99, 2)} ms | `
        + `page by time-ordered rowid p50 ${fmt(sp.p50, 2)} / p99 ${fmt(sp.p99, 2)} ms | `
        + `joined, sorted by start_ms p50 ${fmt(sj.p50, 1)} / p99 ${fmt(sj.p99, 1)} ms | count (cap 10k) p99 ${fmt(sc.p99, 1)} ms | `
        + `matches p50 ${matched.p50 > 10_000 ? '>10k' : matched.p50}, e.g. ${queries[0]}`);
    }
    return worst;
  } finally {
    db.close();
  }
}

export async function benchSearchFts(opts: SearchFtsOptions = {}): Promise<SummaryRow[]> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const docs = opts.docs ?? 1_000_000;
  const rows: SummaryRow[] = [];
  for (const design of opts.designs ?? ['contentless-prefix']) {
    let built = buildIndex(docs, design, log);
    ensureTermTable(built, log);
    log(`search-fts [${design}]: ${DESIGNS[design]}; ${built.cached ? `cached (built in ${built.buildSeconds.toFixed(1)} s earlier)` : 'fresh'}, `
      + `${(built.sizeBytes / 1e9).toFixed(2)} GB`);
    const label = `search (first page + capped count), ${docs.toLocaleString('en-US')} transcripts, FTS5 ${design}`;
    if (!built.optimized) {
      log(`search-fts [${design}]: as built (segments as automerge left them):`);
      const worst = measureQueries(built, opts, log);
      rows.push(resultLine(log, `${label}, not optimized (worst kind p99)`, `${fmt(worst, 1)} ms`, `<= ${SEARCH_TARGET_MS} ms`, worst <= SEARCH_TARGET_MS));
      built = optimizeIndex(built, log);
    }
    log(`search-fts [${design}]: after 'optimize':`);
    const worst = measureQueries(built, opts, log);
    rows.push(resultLine(log, `${label}, optimized (worst kind p99)`, `${fmt(worst, 1)} ms`, `<= ${SEARCH_TARGET_MS} ms`, worst <= SEARCH_TARGET_MS));
  }
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const rows = await benchSearchFts({
    ...(arg('docs') ? { docs: Number(arg('docs')) } : {}),
    ...(arg('designs') ? { designs: arg('designs')!.split(',') } : {}),
    ...(arg('samples') ? { samples: Number(arg('samples')) } : {}),
  });
  process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
}
