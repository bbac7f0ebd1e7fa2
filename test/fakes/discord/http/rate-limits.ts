import { createHash } from 'node:crypto';

/** How many calls one bucket (a route and its major parameter) takes per window. */
export interface BucketLimit {
  limit: number;
  windowMs: number;
}

/** The limits the fake enforces. */
export interface RateLimitOptions {
  bucket: BucketLimit;
  /** Discord allows about 50 requests per second per bot, across all routes (interactions excepted). */
  globalPerSecond: number;
}

/** A 429 a test asked for: the next matching request gets it. */
export interface ForcedLimit {
  method: string;
  path: RegExp;
  retryAfterMs: number;
  global: boolean;
}

/** What the server should do with one request. */
export type RateDecision =
  | { limited: false; headers: Record<string, string> }
  | { limited: true; headers: Record<string, string>; body: Record<string, unknown> };

interface Bucket {
  count: number;
  resetAt: number;
}

/**
 * Discord's rate limits as a client sees them: per-bucket `X-RateLimit-*` headers on every answer,
 * 429 with `retry_after` (body, seconds as a float) and `Retry-After` (header, whole seconds) when a
 * bucket or the global limit is exceeded, or when a test forces one.
 */
export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();
  /** Arrival times of global-counted requests within the last second. */
  private recent: number[] = [];
  private readonly forced: ForcedLimit[] = [];
  /** Every 429 this fake sent. */
  sent429 = 0;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  force(limit: ForcedLimit): void {
    this.forced.push(limit);
  }

  check(request: {
    method: string;
    path: string;
    route: string;
    major: string;
    countsGlobal: boolean;
  }): RateDecision {
    const now = this.now();
    const key = `${request.method} ${request.route}`;
    const hash = createHash('sha1').update(key).digest('hex').slice(0, 16);
    let bucket = this.buckets.get(`${key} ${request.major}`);
    if (!bucket || bucket.resetAt <= now) {
      bucket = { count: 0, resetAt: now + this.options.bucket.windowMs };
      this.buckets.set(`${key} ${request.major}`, bucket);
    }

    const forced = this.takeForced(request.method, request.path);
    if (forced) {
      bucket.count = this.options.bucket.limit;
      bucket.resetAt = Math.max(bucket.resetAt, now + forced.retryAfterMs);
      return this.limited(forced.retryAfterMs, forced.global, hash, bucket, now);
    }
    if (request.countsGlobal) {
      this.recent = this.recent.filter((t) => t > now - 1000);
      if (this.recent.length >= this.options.globalPerSecond) {
        const oldest = this.recent[0] ?? now;
        return this.limited(oldest + 1000 - now, true, hash, bucket, now);
      }
    }
    if (bucket.count >= this.options.bucket.limit) {
      return this.limited(bucket.resetAt - now, false, hash, bucket, now);
    }
    bucket.count += 1;
    if (request.countsGlobal) this.recent.push(now);
    return { limited: false, headers: this.headers(hash, bucket, now) };
  }

  private takeForced(method: string, path: string): ForcedLimit | undefined {
    const index = this.forced.findIndex((f) => f.method === method && f.path.test(path));
    return index === -1 ? undefined : this.forced.splice(index, 1)[0];
  }

  private limited(retryAfterMs: number, global: boolean, hash: string, bucket: Bucket, now: number) {
    this.sent429 += 1;
    const retryAfter = Math.max(0.001, retryAfterMs / 1000);
    return {
      limited: true as const,
      headers: {
        ...this.headers(hash, bucket, now),
        'retry-after': String(Math.ceil(retryAfter)),
        'x-ratelimit-scope': global ? 'global' : 'user',
        ...(global && { 'x-ratelimit-global': 'true' }),
      },
      body: { message: 'You are being rate limited.', retry_after: retryAfter, global, code: 0 },
    };
  }

  private headers(hash: string, bucket: Bucket, now: number): Record<string, string> {
    return {
      'x-ratelimit-limit': String(this.options.bucket.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.options.bucket.limit - bucket.count)),
      'x-ratelimit-reset': (bucket.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': (Math.max(0, bucket.resetAt - now) / 1000).toFixed(3),
      'x-ratelimit-bucket': hash,
    };
  }
}
