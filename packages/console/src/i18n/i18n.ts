import { en } from './en.js'
import { type MessageKey, zh } from './zh.js'

export type Language = 'zh' | 'en'
export type { MessageKey }

const catalogues: Record<Language, Record<MessageKey, string>> = { zh, en }

/**
 * The language lives in the URL (`?lang=en`) and in memory, never in a cookie or storage:
 * the console keeps nothing about its user in the browser beyond the session cookie.
 */
let current: Language = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh'
document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en'

export function language(): Language {
  return current
}

export function setLanguage(next: Language): void {
  current = next
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en'
  const url = new URL(location.href)
  if (next === 'en') url.searchParams.set('lang', 'en')
  else url.searchParams.delete('lang')
  history.replaceState(history.state, '', url)
}

/** The message in the current language, `{name}` placeholders filled from `values`. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  const template = catalogues[current][key]
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`))
}

/** The label of an enum value (status, problem type…), falling back to the value itself. */
export function label(group: string, value: string | null | undefined): string {
  if (value === null || value === undefined) return '—'
  const key = `${group}.${value}` as MessageKey
  return key in catalogues[current] ? t(key) : value
}

export function locale(): string {
  return current === 'zh' ? 'zh-CN' : 'en-GB'
}
