/**
 * The native search language:
 *
 *   refund                      a word (case, accents and punctuation do not matter)
 *   "cancel my account"         consecutive words
 *   refund*  "refund pol"*      word starts
 *   refund policy               both (implicit AND); `refund AND policy`, `and` works too
 *   refund OR chargeback        either; AND binds tighter than OR: a OR b c = a OR (b AND c)
 *   refund NOT sorry, -sorry    without; NOT binds tighter than AND
 *   (refund OR credit) card     grouping
 *   agent:refund  customer:"speak to a manager"  notes:vip  transcript:refund
 *   speaker:agent:refund        the same as agent:refund
 *   agent:(refund OR credit)    a field for a whole group
 *
 * Words that are operators (and, or, not) are searched for by quoting them. Words with no
 * letters or digits (`&`, `--`, a lone `*`) are ignored. Every refusal is INVALID_REQUEST
 * with the character position (0-based) in details.position.
 */
import { invalid } from '../core/errors.js';
import {
  DEFAULT_FIELDS, combine, countNodes, isPositive, leaf, negate, type Field, type FieldSet, type QueryNode,
} from './ast.js';
import { lex, syntaxError, type Token } from './query-lex.js';

export interface ParseOptions {
  /** The field names the query may use (default DEFAULT_FIELDS). */
  fields?: FieldSet;
  /** Longest accepted query, in characters (default 1000). */
  maxLength?: number;
  /** Most nodes (words, phrases, operators) in the parsed query (default 64). */
  maxNodes?: number;
  /** Deepest nesting of parentheses (default 16). */
  maxDepth?: number;
}

export const QUERY_LIMITS = { maxLength: 1000, maxNodes: 64, maxDepth: 16 } as const;

const ONLY_NEGATIVE = 'a search needs at least one word to find: excluded words (NOT, -) can only remove recordings from '
  + 'those found, and a search made only of exclusions would list nearly every recording';

interface Scope { name: Field; pos: number }

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[], private readonly maxDepth: number) {}

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  /** Whether the next token can start an operand (what an operator needs after it). */
  private operandNext(): boolean {
    const t = this.peek();
    return t !== undefined && (t.t === 'words' || t.t === 'lparen' || (t.t === 'op' && t.op === 'not'));
  }

  private expectOperand(after: Token & { t: 'op' }): void {
    if (this.operandNext()) return;
    const t = this.peek();
    if (t?.t === 'op') throw syntaxError(`${t.text} follows ${after.text} with nothing between them`, t.pos);
    throw syntaxError(`${after.text} has nothing after it`, after.pos);
  }

  parseAll(): QueryNode | null {
    const node = this.parseOr(undefined, 0);
    const t = this.peek();
    if (t) throw syntaxError(t.t === 'rparen' ? 'this ) has no matching (' : 'unexpected token', t.pos);
    return node;
  }

  private parseOr(scope: Scope | undefined, depth: number): QueryNode | null {
    const first = this.peek()?.pos ?? 0;
    const alternatives: Array<{ node: QueryNode | null; pos: number }> = [{ node: this.parseAnd(scope, depth), pos: first }];
    for (let t = this.peek(); t?.t === 'op' && t.op === 'or'; t = this.peek()) {
      this.i++;
      this.expectOperand(t);
      const pos = this.peek()!.pos;
      alternatives.push({ node: this.parseAnd(scope, depth), pos });
    }
    if (alternatives.length > 1) {
      for (const a of alternatives) {
        if (a.node && !isPositive(a.node)) throw syntaxError(`an alternative of OR cannot be only excluded words: ${ONLY_NEGATIVE}`, a.pos);
      }
    }
    return combine('or', alternatives.map((a) => a.node));
  }

  private parseAnd(scope: Scope | undefined, depth: number): QueryNode | null {
    const items = [this.parseUnary(scope, depth)];
    for (;;) {
      const t = this.peek();
      if (t?.t === 'op' && t.op === 'and') {
        this.i++;
        this.expectOperand(t);
      } else if (!this.operandNext()) {
        break;
      }
      items.push(this.parseUnary(scope, depth));
    }
    return combine('and', items);
  }

  private parseUnary(scope: Scope | undefined, depth: number): QueryNode | null {
    const t = this.peek();
    if (!t) throw syntaxError('the query ends where a word was expected', this.toks.at(-1)?.pos ?? 0);
    if (t.t === 'rparen') throw syntaxError('this ) closes nothing or closes empty parentheses', t.pos);
    if (t.t === 'op') {
      if (t.op !== 'not') throw syntaxError(`${t.text} has nothing before it`, t.pos);
      this.i++;
      this.expectOperand(t);
      return this.exclude(this.parseUnary(scope, depth), t.pos);
    }
    this.i++;
    let inner = scope;
    if (t.field) {
      if (scope) throw syntaxError(`a field (${t.field.name}) inside a group already limited to ${scope.name}`, t.field.pos);
      inner = { name: t.field.name, pos: t.field.pos };
    }
    let node: QueryNode | null;
    if (t.t === 'words') {
      node = leaf(t.words, t.prefix, inner?.name);
    } else {
      if (depth + 1 > this.maxDepth) throw syntaxError(`parentheses nested deeper than ${this.maxDepth}`, t.pos);
      if (this.peek()?.t === 'rparen') throw syntaxError('empty parentheses', t.pos);
      node = this.parseOr(inner, depth + 1);
      if (this.peek()?.t !== 'rparen') throw syntaxError('this ( is never closed', t.pos);
      this.i++;
    }
    return t.neg ? this.exclude(node, t.pos) : node;
  }

  private exclude(node: QueryNode | null, pos: number): QueryNode | null {
    // NOT (-a -b) would mean "a or b" spelled backwards; say so rather than guess.
    if (node && node.kind !== 'not' && !isPositive(node)) {
      throw syntaxError('NOT or - in front of a group that is itself only exclusions; write the words to find instead', pos);
    }
    return negate(node);
  }
}

/** Parses a native query; see the top of this file for the language. */
export function parseQuery(q: string, opts: ParseOptions = {}): QueryNode {
  checkLength(q, opts);
  return parseTokens(lex(q, opts.fields ?? DEFAULT_FIELDS), opts);
}

export function checkLength(q: string, opts: ParseOptions = {}): void {
  const maxLength = opts.maxLength ?? QUERY_LIMITS.maxLength;
  if (q.length > maxLength) throw invalid(`Search query: longer than ${maxLength} characters`, { position: maxLength, maxLength });
}

/** The grammar over tokens, for the doors whose syntaxes differ only in what makes a token. */
export function parseTokens(toks: Token[], opts: ParseOptions = {}): QueryNode {
  const maxNodes = opts.maxNodes ?? QUERY_LIMITS.maxNodes;
  if (toks.length === 0) throw syntaxError('the query is empty', 0);
  const node = new Parser(toks, opts.maxDepth ?? QUERY_LIMITS.maxDepth).parseAll();
  if (!node) throw syntaxError('the query has no words to search for (only punctuation)', 0);
  if (!isPositive(node)) throw syntaxError(ONLY_NEGATIVE, toks[0]!.pos);
  const nodes = countNodes(node);
  if (nodes > maxNodes) throw invalid(`Search query: ${nodes} words and operators, more than the ${maxNodes} allowed`, { position: 0, maxNodes });
  return node;
}
