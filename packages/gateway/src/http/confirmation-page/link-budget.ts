import { ProblemError } from '../../errors.js'

/**
 * The per-link request budget of the confirmation page: a fixed window per link, whoever
 * asks. The address budget is the rate-limit plugin's; the plugin runs one limiter per
 * request, so this second, per-link count is kept here. It lives in the process: behind a
 * load balancer each instance grants the budget once, which still bounds a flood on one
 * link, while the codes a link accepts are bounded in the database (five wrong ones void it).
 */
export class LinkBudget {
  private readonly windows = new Map<string, { count: number; resetAt: number }>()

  constructor(
    readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one request to the link; throws `rate_limited` once its budget is used up. */
  spend(linkKey: string, now: number): void {
    if (this.windows.size > 10_000) this.prune(now)
    let window = this.windows.get(linkKey)
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs }
      this.windows.set(linkKey, window)
    }
    window.count += 1
    if (window.count > this.max) {
      const seconds = Math.ceil((window.resetAt - now) / 1000)
      throw new ProblemError(
        'rate_limited',
        {
          en: `This link takes ${this.max} requests a minute; retry in ${seconds} s.`,
          zh: `此链接每分钟最多受理 ${this.max} 次请求；请 ${seconds} 秒后重试。`,
        },
        {
          headers: { 'retry-after': String(seconds) },
        },
      )
    }
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key)
  }
}
