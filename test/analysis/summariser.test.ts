import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { analyse } from '../../src/analysis/analyse.js';
import { summariserFrom } from '../../src/analysis/index.js';
import { OpenAiCompatibleSummariser, toLines } from '../../src/analysis/openai-summariser.js';
import { VaultError } from '../../src/core/errors.js';
import { dialogue, transcript } from './calls.js';

const call = transcript(dialogue([
  ['Customer', 'My blender arrived with a cracked jug and I would like a refund to my card.'],
  ['Agent', 'I am sorry about the blender, I have issued a refund and booked the courier for Friday.'],
  ['Customer', 'Thank you, the courier on Friday is fine.'],
]));

const servers: Server[] = [];
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A loopback server that records each request's method, path, headers and JSON body. */
async function serve(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

describe('OpenAI-compatible summariser', () => {
  it('sends a standard chat request and returns the answer as lines', async () => {
    const seen: Array<{ method?: string; url?: string; auth?: string; body: Record<string, unknown> }> = [];
    const baseUrl = await serve((req, body, res) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body: JSON.parse(body) as Record<string, unknown> });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({
        id: 'chatcmpl-1', object: 'chat.completion', model: 'tiny-llm',
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '- The blender arrived broken.\n- A refund was issued.\n\n2. Courier collects on Friday.' } }],
      }));
    });
    const s = new OpenAiCompatibleSummariser({ baseUrl, apiKey: 'sk-local', model: 'tiny-llm', timeoutMs: 5_000 });
    const r = await analyse(call, { durationMs: 20_000, summariser: s });

    assert.equal(seen.length, 1);
    const req = seen[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/v1/chat/completions');
    assert.equal(req.auth, 'Bearer sk-local');
    assert.equal(req.body.model, 'tiny-llm');
    const messages = req.body.messages as Array<{ role: string; content: string }>;
    assert.deepEqual(messages.map((m) => m.role), ['system', 'user']);
    assert.match(messages[1]!.content, /Customer: My blender arrived with a cracked jug/);
    assert.match(messages[1]!.content, /Agent: I am sorry about the blender/);
    assert.match(messages[1]!.content, /Keywords: .*blender/);

    assert.equal(r.summary.by, 'openai-compatible/tiny-llm');
    assert.deepEqual(r.summary.lines, ['The blender arrived broken.', 'A refund was issued.', 'Courier collects on Friday.']);
    assert.equal(r.summary.fallbackReason, undefined);
  });

  it('falls back to the extractive summary on an HTTP error and says why', async () => {
    const baseUrl = await serve((_req, _body, res) => {
      res.statusCode = 500;
      res.end('model not loaded');
    });
    const s = new OpenAiCompatibleSummariser({ baseUrl, model: 'tiny-llm', timeoutMs: 5_000 });
    const r = await analyse(call, { durationMs: 20_000, summariser: s });
    assert.equal(r.summary.by, 'textrank/1');
    assert.match(r.summary.fallbackReason!, /^openai-compatible\/tiny-llm: HTTP 500: model not loaded/);
    assert.ok(r.summary.lines.length > 0);
    assert.deepEqual(await s.summarise(call, []), r.summary.lines);
  });

  it('gives up on a server that never answers after the timeout', async () => {
    let asked = 0;
    const baseUrl = await serve(() => {
      asked++; // and never respond
    });
    const s = new OpenAiCompatibleSummariser({ baseUrl, model: 'tiny-llm', timeoutMs: 300 });
    const started = performance.now();
    const r = await analyse(call, { durationMs: 20_000, summariser: s });
    const took = performance.now() - started;
    assert.equal(asked, 1);
    assert.ok(took >= 290 && took < 3_000, `took ${took} ms`);
    assert.match(r.summary.fallbackReason!, /no answer within 300 ms/);
    assert.equal(r.summary.by, 'textrank/1');
  });

  it('falls back on an answer without choices and on a refused connection', async () => {
    const baseUrl = await serve((_req, _body, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: { message: 'bad' } }));
    });
    const r = await new OpenAiCompatibleSummariser({ baseUrl, model: 'm', timeoutMs: 2_000 }).summariseWithReport(call, []);
    assert.match(r.fallbackReason!, /no choices\[0\]\.message\.content/);

    const closed = await serve(() => undefined);
    const server = servers.pop()!;
    await new Promise((res) => server.close(res));
    const refused = await new OpenAiCompatibleSummariser({ baseUrl: closed, model: 'm', timeoutMs: 2_000 }).summariseWithReport(call, []);
    assert.match(refused.fallbackReason!, /request failed: ECONNREFUSED/);
    assert.ok(refused.lines.length > 0);
  });

  it('a throwing custom summariser also ends in the extractive summary', async () => {
    const broken = { name: 'broken/1', summarise: () => Promise.reject(new Error('out of memory')) };
    const r = await analyse(call, { durationMs: 20_000, summariser: broken });
    assert.equal(r.summary.fallbackReason, 'broken/1: out of memory');
    assert.equal(r.summary.by, 'textrank/1');
  });

  it('strips reasoning blocks, bullets and numbering from answers', () => {
    assert.deepEqual(toLines('<think>the user wants\na summary</think>\nSummary:\n* **Refund** issued\n1) Courier booked\n'), ['Refund issued', 'Courier booked']);
  });

  it('refuses a configuration that cannot work', () => {
    assert.throws(() => new OpenAiCompatibleSummariser({ baseUrl: 'not a url', model: 'm', timeoutMs: 1 }), VaultError);
    assert.throws(() => new OpenAiCompatibleSummariser({ baseUrl: 'file:///tmp', model: 'm', timeoutMs: 1 }), VaultError);
    assert.throws(() => new OpenAiCompatibleSummariser({ baseUrl: 'http://127.0.0.1:1', model: 'm', timeoutMs: 0 }), VaultError);
  });

  it('is built from configuration, extractive when none is given', async () => {
    assert.equal(summariserFrom(undefined).name, 'textrank/1');
    assert.equal(summariserFrom({ kind: 'extractive' }).name, 'textrank/1');
    const baseUrl = await serve((_req, body, res) => {
      const sent = JSON.parse(body) as { model: string };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: `summary by ${sent.model}` } }] }));
    });
    const s = summariserFrom({ kind: 'openai-compatible', baseUrl, model: 'qwen-small' });
    assert.ok(s instanceof OpenAiCompatibleSummariser);
    assert.deepEqual(await s.summarise(call, []), ['summary by qwen-small']);
  });
});
