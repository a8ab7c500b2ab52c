/** One account's access token, kept until shortly before it expires; concurrent callers share one refresh. */
export class AccessTokenCache {
  private current: { token: string; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly fetchToken: (forceRefresh: boolean) => Promise<{ token: string; expiresInSeconds: number }>,
    private readonly refreshEarlyMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached token, or a new one; `forceRefresh` after WeChat refused the cached one (40001/42001). */
  get(forceRefresh = false): Promise<string> {
    if (!forceRefresh && this.current && this.now() < this.current.expiresAt) return Promise.resolve(this.current.token);
    if (this.inflight) return this.inflight;
    const inflight = this.fetchToken(forceRefresh)
      .then(({ token, expiresInSeconds }) => {
        // Never a negative lifetime: a token shorter-lived than the margin is used once, then fetched again.
        const lifetime = Math.max(0, expiresInSeconds * 1000 - this.refreshEarlyMs);
        this.current = { token, expiresAt: this.now() + lifetime };
        return token;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    this.inflight = inflight;
    return inflight;
  }

  invalidate(): void {
    this.current = undefined;
  }
}
