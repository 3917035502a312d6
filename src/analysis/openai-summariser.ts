/**
 * A summariser that asks an OpenAI-compatible chat endpoint (a local llama.cpp / vLLM / Ollama
 * server, or a hosted one the operator chose). Summaries are a nicety: when the endpoint is slow,
 * down or answers nonsense, the call still gets the extractive summary, and the stored result
 * says why the model's was not used.
 */
import type { Transcript } from '../transcripts/model.js';
import { ErrorCode, VaultError } from '../core/errors.js';
import type { ReportingSummariser, SummaryResult } from './model.js';
import { summariseExtractive } from './summary.js';

export interface OpenAiCompatibleOptions {
  /** e.g. "http://127.0.0.1:8080/v1"; `/chat/completions` is appended. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  /** Transcript characters sent at most (the rest is cut, and the prompt says so). Default 24,000. */
  maxInputChars?: number;
  /** Upper bound on the answer's tokens. Default 400. */
  maxTokens?: number;
}

const SYSTEM_PROMPT = 'You summarise customer service phone calls. Reply with 3 to 5 short lines, one fact per line: '
  + 'why the customer called, what was done, and what happens next. No preamble, no markdown headings.';

const MAX_LINES = 8;

export class OpenAiCompatibleSummariser implements ReportingSummariser {
  readonly name: string;
  private readonly url: string;

  constructor(private readonly opts: OpenAiCompatibleOptions) {
    let base: URL;
    try {
      base = new URL(opts.baseUrl);
    } catch {
      throw new VaultError(ErrorCode.INVALID_REQUEST, `summariser baseUrl '${opts.baseUrl}' is not a URL`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new VaultError(ErrorCode.INVALID_REQUEST, `summariser baseUrl must be http or https, not ${base.protocol}`);
    }
    if (!(opts.timeoutMs > 0)) throw new VaultError(ErrorCode.INVALID_REQUEST, 'summariser timeoutMs must be positive');
    if (!opts.model) throw new VaultError(ErrorCode.INVALID_REQUEST, 'summariser model is required');
    this.url = `${opts.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    this.name = `openai-compatible/${opts.model}`;
  }

  async summarise(t: Transcript, hint: string[]): Promise<string[]> {
    return (await this.summariseWithReport(t, hint)).lines;
  }

  async summariseWithReport(t: Transcript, hint: string[]): Promise<SummaryResult> {
    try {
      return { by: this.name, lines: await this.ask(t, hint) };
    } catch (err) {
      const fallback = summariseExtractive(t, hint);
      return { ...fallback, fallbackReason: `${this.name}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /** The model's lines; throws with a short reason on any failure. */
  private async ask(t: Transcript, hint: string[]): Promise<string[]> {
    const body = {
      model: this.opts.model,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: userPrompt(t, hint, this.opts.maxInputChars ?? 24_000) },
      ],
      temperature: 0.2,
      max_tokens: this.opts.maxTokens ?? 400,
      stream: false,
    };
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
    let res: Response;
    try {
      res = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(this.opts.timeoutMs) });
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new Error(`no answer within ${this.opts.timeoutMs} ms`, { cause: err });
      throw new Error(`request failed: ${causeOf(err)}`, { cause: err });
    }
    let text: string;
    try {
      // The body read shares the request's timeout signal, so a server that stalls mid-body is cut too.
      text = await res.text();
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new Error(`no answer within ${this.opts.timeoutMs} ms`, { cause: err });
      throw new Error(`reading the answer failed: ${causeOf(err)}`, { cause: err });
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}${text ? `: ${text.slice(0, 200).replace(/\s+/g, ' ')}` : ''}`);
    let content: unknown;
    try {
      content = (JSON.parse(text) as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0]?.message?.content;
    } catch (err) {
      throw new Error('the answer is not JSON', { cause: err });
    }
    if (typeof content !== 'string') throw new Error('the answer has no choices[0].message.content');
    const lines = toLines(content);
    if (lines.length === 0) throw new Error('the answer is empty');
    return lines;
  }
}

function userPrompt(t: Transcript, hint: string[], maxChars: number): string {
  const head = hint.length > 0 ? `Keywords: ${hint.slice(0, 10).join(', ')}\n\nTranscript:\n` : 'Transcript:\n';
  let body = '';
  for (const cue of t.cues) {
    const line = `${cue.speaker}: ${cue.text.trim()}\n`;
    if (body.length + line.length > maxChars) {
      body += '[transcript cut here for length]\n';
      break;
    }
    body += line;
  }
  return head + body;
}

/** Lines of the answer without reasoning blocks, bullets or numbering. */
export function toLines(content: string): string[] {
  return content
    // Reasoning models served locally often prepend their thinking.
    .replace(/<think>[\s\S]*?<\/think>/gi, '')
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').replace(/\*\*/g, '').trim())
    .filter((l) => l.length > 0 && !/^summary:?$/i.test(l))
    .slice(0, MAX_LINES);
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
