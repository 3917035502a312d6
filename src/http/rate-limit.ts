import { ErrorCode, VaultError } from '../core/errors.js';

/**
 * Token buckets in memory, one per key (an IP, a client id…). Each key may spend `burst`
 * requests at once and regains `perMinute` per minute. Memory is bounded: idle buckets are
 * dropped once full again, and the map is capped.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number, private readonly burst: number, private readonly maxKeys = 100_000) {}

  /** Spends one token for `key`, or throws RATE_LIMIT_EXCEEDED with the seconds to wait. */
  take(key: string, now = Date.now()): void {
    const rate = this.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * rate);
    b.at = now;
    if (b.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
      this.buckets.set(key, b);
      throw new VaultError(ErrorCode.RATE_LIMIT_EXCEEDED, `Too many requests; retry after ${retryAfter} s`, { details: { retryAfter } });
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.prune(now);
  }

  /** Gives back one token spent for `key` (up to the burst). */
  refund(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.tokens = Math.min(this.burst, b.tokens + 1);
  }

  private prune(now: number): void {
    const rate = this.perMinute / 60_000;
    for (const [k, b] of this.buckets) {
      if (b.tokens + (now - b.at) * rate >= this.burst) this.buckets.delete(k);
    }
    // Still too many (a flood of distinct keys): drop the oldest entries.
    for (const k of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break;
      this.buckets.delete(k);
    }
  }
}
