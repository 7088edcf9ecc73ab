import type { ComponentChildren, JSX } from 'preact'
import { createElement } from 'preact'
import { useEffect, useState } from 'preact/hooks'

/**
 * A history-API router for the few pages of the console, under /console/. The gateway
 * answers index.html for every such path, so a reload or a pasted link lands on the same page.
 */
export const BASE = '/console'

const listeners = new Set<() => void>()

function notify(): void {
  for (const listener of listeners) listener()
}
addEventListener('popstate', notify)

/** The current path below /console, always starting with "/". */
export function currentPath(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname
  return path === '' ? '/' : path
}

/** A console path with the page's language kept (`?lang=en` travels along). */
export function href(path: string, query: Record<string, string> = {}): string {
  const params = new URLSearchParams(query)
  const lang = new URLSearchParams(location.search).get('lang')
  if (lang) params.set('lang', lang)
  const search = params.toString()
  return `${BASE}${path}${search ? `?${search}` : ''}`
}

export function navigate(path: string, query: Record<string, string> = {}): void {
  history.pushState(null, '', href(path, query))
  notify()
  scrollTo(0, 0)
}

/** Re-renders the caller when the location changes; answers the path and the query. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0)
  useEffect(() => {
    const listener = () => setTick((n) => n + 1)
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
    }
  }, [])
  return { path: currentPath(), query: new URLSearchParams(location.search) }
}

/** Matches `/disputes/:id` style patterns; answers the parameters or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/')
  const have = path.replace(/\/$/, '').split('/')
  if (want.length !== have.length) return undefined
  const params: Record<string, string> = {}
  for (const [i, part] of want.entries()) {
    const actual = have[i] ?? ''
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual)
    else if (part !== actual) return undefined
  }
  return params
}

/** A link that navigates in the page; a modified click (new tab) is left to the browser. */
export function Link(props: {
  to: string
  query?: Record<string, string>
  children: ComponentChildren
  class?: string
  'aria-current'?: 'page' | undefined
}): JSX.Element {
  const { to, query, children, ...rest } = props
  return createElement(
    'a',
    {
      ...rest,
      href: href(to, query),
      onClick: (event: MouseEvent) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
        event.preventDefault()
        navigate(to, query)
      },
    },
    children,
  )
}
