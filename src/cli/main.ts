#!/usr/bin/env node
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config/index.js';
import { VaultError } from '../core/errors.js';
import { openVault } from '../context.js';
import { buildApp } from '../http/app.js';
import { runAdmin } from './admin.js';
import { runModels } from './models.js';
import { openStore } from '../store/index.js';

const USAGE = `callvault — self-hosted vault for call recordings

  callvault serve [--port 8080] [--host localhost] [--data ./data]
  callvault admin account create NAME [--json]
  callvault admin client create --account NAME [--scopes "recordings:read media:read"] [--json]
  callvault admin user create --account NAME --username U --password P --role admin|supervisor|agent
        [--upn U] [--groups g1,g2] [--first-name F] [--last-name L] [--phone P] [--extension E] [--sip-uri S] [--json]
  callvault admin keys rotate            (new master key; rewraps every data key under it)
  callvault admin keys rewrap            (rewraps keys still under older master keys)
  callvault admin signing-keys rotate [--drop-old]   (new token signing key; --drop-old invalidates tokens of older keys)
  callvault admin signing-keys list
  callvault admin audit verify [--account NAME] [--json]   (checks the audit hash chains; exit 1 if broken)
  callvault models fetch NAME [--dir DIR] [--url BASE]   (download a Whisper ggml model: base.en, small, …)
  callvault models build                 (compile whisper-cli for the whisper engine)
  callvault migrate                      (bring the database schema up to date and exit)
  callvault openapi [--out FILE | --check FILE]

Every command takes --data DIR (or CALLVAULT_DATA) and --config FILE.`;

function stderrLog() {
  return { warn: (m: string) => process.stderr.write(`warning: ${m}\n`), info: (m: string) => process.stderr.write(`${m}\n`) };
}

async function serve(config: Config): Promise<void> {
  const logger = { level: config.logLevel };
  const app0Log = stderrLog();
  const vault = await openVault(config, app0Log);
  const app = await buildApp(vault, { logger });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: shutting down`);
    void app.close().then(() => vault.close()).then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  const addr = app.server.address();
  const port = addr && typeof addr === 'object' ? addr.port : config.port;
  app.log.info(`callvault listening on ${config.host}:${port} (data: ${config.dataDir}, media tools: ${vault.tools.source})`);
}

/** Writes or checks the committed OpenAPI document, generated from the route schemas. */
async function openapi(flags: Record<string, string | boolean | undefined>): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'callvault-openapi-'));
  try {
    const config = loadConfig({ data: dir, logLevel: 'silent' }, {});
    const vault = await openVault(config, { warn: () => undefined, info: () => undefined });
    const app = await buildApp(vault);
    await app.ready();
    const doc = `${JSON.stringify(app.swagger(), null, 2)}\n`;
    await app.close();
    await vault.close();
    if (typeof flags.check === 'string') {
      let committed = '';
      try {
        committed = readFileSync(flags.check, 'utf8');
      } catch { /* missing counts as drift */ }
      if (committed !== doc) {
        process.stderr.write(`${flags.check} is out of date with the route schemas: run 'npm run openapi:write' and commit it.\n`);
        return 1;
      }
      process.stdout.write(`${flags.check} matches the route schemas.\n`);
      return 0;
    }
    if (typeof flags.out === 'string') writeFileSync(flags.out, doc);
    else process.stdout.write(doc);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, config: { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      account: { type: 'string' }, scopes: { type: 'string' }, name: { type: 'string' }, username: { type: 'string' },
      password: { type: 'string' }, role: { type: 'string' }, 'first-name': { type: 'string' }, 'last-name': { type: 'string' },
      out: { type: 'string' }, check: { type: 'string' }, upn: { type: 'string' }, groups: { type: 'string' },
      phone: { type: 'string' }, extension: { type: 'string' }, 'sip-uri': { type: 'string' },
      'drop-old': { type: 'boolean' }, dir: { type: 'string' }, url: { type: 'string' },
    },
  });
  const flags = values as Record<string, string | boolean | undefined>;
  const [command, ...rest] = positionals;
  if (!command || flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return command || flags.help ? 0 : 1;
  }
  const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  const overrides = Object.fromEntries(Object.entries({ port: str('port'), host: str('host'), data: str('data'), config: str('config') }).filter(([, v]) => v !== undefined));
  switch (command) {
    case 'serve':
      await serve(loadConfig(overrides));
      return -1;
    case 'admin': {
      const config = loadConfig(overrides);
      await runAdmin(rest, flags, config, (o, human) => process.stdout.write(`${flags.json ? JSON.stringify(o) : human}\n`), stderrLog());
      return typeof process.exitCode === 'number' ? process.exitCode : 0;
    }
    case 'openapi':
      return openapi(flags);
    case 'models':
      await runModels(rest, flags, loadConfig(overrides).dataDir, (o, human) => process.stdout.write(`${flags.json ? JSON.stringify(o) : human}\n`));
      return 0;
    case 'migrate': {
      const store = await openStore(loadConfig(overrides).database);
      await store.close();
      process.stdout.write('database schema is up to date\n');
      return 0;
    }
    default:
      process.stderr.write(`unknown command '${command}'\n\n${USAGE}\n`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof VaultError) process.stderr.write(`error: ${err.message}\n`);
    else process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(err instanceof VaultError && err.status < 500 ? 2 : 1);
  },
);
