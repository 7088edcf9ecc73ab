import type { FastifyInstance } from 'fastify'

/**
 * Every route's path pattern and methods, so that a request the router did not match can be
 * told apart: a path that exists under other methods (405 with `Allow`) or no path at all
 * (404). Fastify's router only answers "no route", whatever the reason.
 */
export class RouteTable {
  private readonly patterns = new Map<string, { matcher: RegExp; methods: Set<string> }>()

  /** Records every route registered from now on, in every plugin context. */
  watch(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      let entry = this.patterns.get(route.url)
      if (!entry) {
        entry = { matcher: matcherOf(route.url), methods: new Set() }
        this.patterns.set(route.url, entry)
      }
      for (const method of methods) entry.methods.add(method.toUpperCase())
    })
  }

  /** The methods a concrete path takes, sorted; empty when no route has that path. */
  methodsOf(path: string): string[] {
    const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path
    const methods = new Set<string>()
    for (const { matcher, methods: own } of this.patterns.values()) {
      if (matcher.test(trimmed)) for (const method of own) methods.add(method)
    }
    return [...methods].sort()
  }
}

/** `/v1/disputes/:id/timeline` → a regular expression; `*` matches the rest of the path. */
function matcherOf(pattern: string): RegExp {
  const trimmed = pattern.length > 1 ? pattern.replace(/\/+$/, '') : pattern
  const source = trimmed
    .split('/')
    .map((part) => {
      if (part === '*') return '.*'
      if (part.startsWith(':')) return '[^/]+'
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('/')
  return new RegExp(`^${source}$`)
}
