/**
 * Wrong-token attempts, limited per client address: a few are free (typos, a stale bookmark), then each further
 * one locks that address out for twice as long as the last, up to a ceiling. While locked out every attempt is
 * refused, the right token included, so a guesser cannot tell a hit from a miss: ~7,000 guesses a second become
 * one a minute. On loopback every local user shares 127.0.0.1, so the ceiling stays short.
 */
export interface AuthLimits {
  /** Wrong attempts allowed before the first lockout. */
  freeAttempts: number;
  /** The first lockout; each further wrong attempt doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A client with no wrong attempt for this long starts afresh. */
  forgetAfterMs: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = { freeAttempts: 10, baseDelayMs: 1000, maxDelayMs: 60_000, forgetAfterMs: 15 * 60_000 };

/** Clients remembered at most: beyond this the oldest are forgotten (bounds memory under a spoofing flood). */
const MAX_CLIENTS = 10_000;

interface ClientState {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export class AuthLimiter {
  private readonly clients = new Map<string, ClientState>();
  constructor(
    private readonly limits: AuthLimits = DEFAULT_AUTH_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds this client must still wait before its next attempt is looked at; 0 when it may try now. */
  waitMs(client: string): number {
    const state = this.current(client);
    return state ? Math.max(0, state.lockedUntil - this.now()) : 0;
  }

  /** Records a wrong (or presented-but-wrong) token from `client`. */
  failed(client: string): void {
    const t = this.now();
    const state = this.current(client) ?? { failures: 0, lastFailure: t, lockedUntil: 0 };
    state.failures++;
    state.lastFailure = t;
    const over = state.failures - this.limits.freeAttempts;
    if (over > 0) state.lockedUntil = t + Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** Math.min(over - 1, 30));
    this.clients.delete(client); // re-inserted last: the map's order is oldest failure first
    this.clients.set(client, state);
    if (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
  }

  /** The right token: the client's wrong attempts are forgotten. */
  succeeded(client: string): void {
    this.clients.delete(client);
  }

  private current(client: string): ClientState | undefined {
    const state = this.clients.get(client);
    if (state && this.now() - state.lastFailure > this.limits.forgetAfterMs && this.now() >= state.lockedUntil) {
      this.clients.delete(client);
      return undefined;
    }
    return state;
  }
}
