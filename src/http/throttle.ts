import type { Config } from '../config/index.js';
import { RateLimiter } from './rate-limit.js';

/**
 * Login attempts (client credentials, passwords, Basic) run a slow KDF: they are throttled per
 * source address and per account name/client id, shared by every route that checks a secret.
 * A sign-in that succeeds gives its attempt back, so integrations that sign in often are not
 * locked out while guessing still is.
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

  /** Checks, then runs a sign-in; its attempt is given back if it succeeds. */
  async attempt<T>(ip: string, name: string, signIn: () => Promise<T>): Promise<T> {
    this.check(ip, name);
    const result = await signIn();
    this.perIp.refund(ip);
    this.perName.refund(name.toLowerCase());
    return result;
  }
}

/**
 * Request rate limits on authenticated routes, per principal and per source address (each
 * may spend a sixth of a minute's allowance at once); 0 in the config turns one off.
 */
export class RequestLimits {
  private readonly perPrincipal: RateLimiter | undefined;
  private readonly perIp: RateLimiter | undefined;

  constructor(limits: Config['limits']) {
    const make = (perMinute: number) => (perMinute > 0 ? new RateLimiter(perMinute, Math.max(1, Math.ceil(perMinute / 6))) : undefined);
    this.perPrincipal = make(limits.requestsPerMinute);
    this.perIp = make(limits.requestsPerMinutePerIp);
  }

  check(ip: string, principal: { accountId: string; id: string }): void {
    this.perIp?.take(ip);
    this.perPrincipal?.take(`${principal.accountId}/${principal.id}`);
  }
}
