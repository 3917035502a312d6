import type { Config } from '../config/index.js';
import { RateLimiter } from './rate-limit.js';

/**
 * Login attempts (client credentials, passwords, Basic) run a slow KDF: they are throttled per
 * source address and per account name/client id, shared by every route that checks a secret.
 */
export class LoginThrottle {
  private readonly perIp: RateLimiter;
  private readonly perName: RateLimiter;

  constructor(limits: Config['limits']) {
    this.perIp = new RateLimiter(limits.loginPerMinute, limits.loginBurst);
    this.perName = new RateLimiter(limits.loginPerMinute, limits.loginBurst);
  }

  /** Spends one attempt for the address and the name; throws RATE_LIMIT_EXCEEDED when either is used up. */
  check(ip: string, name: string): void {
    this.perIp.take(ip);
    this.perName.take(name.toLowerCase());
  }
}
