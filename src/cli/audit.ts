import type { Config } from '../config/index.js';

type Out = (o: Record<string, unknown>, human: string) => void;

/** `callvault admin audit …` (filled in by the logs work). */
export async function runAuditAdmin(args: string[], _config: Config, _out: Out): Promise<number> {
  throw new Error(`admin audit ${args.join(' ')} is not implemented yet`);
}
