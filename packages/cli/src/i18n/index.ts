import { en } from './en.js'
import { zh } from './zh.js'

export type Locale = 'en' | 'zh'

/** Every message's key, from the English catalogue. */
export type MessageKey = keyof typeof en

/** The `{name}` placeholders of a message, e.g. `'file' | 'size'` for `'{size} saved to {file}'`. */
type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name extends `${string} ${string}` | ''
    ? Placeholders<Rest>
    : Name | Placeholders<Rest>
  : never

type Params<K extends MessageKey> = { [Name in Placeholders<(typeof en)[K]>]: string | number }

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, zh }

/**
 * The locale of the messages: `HEJIE_LANG` if set, else the first of `LC_ALL`, `LC_MESSAGES`
 * and `LANG` that is set (POSIX precedence). `zh`, `zh_CN.UTF-8`, `zh_TW`, `zh-Hans` are
 * Chinese; anything else (`C`, `POSIX`, `en_US.UTF-8`, unset) is English.
 */
export function detectLocale(env: NodeJS.ProcessEnv = process.env): Locale {
  const value = [env.HEJIE_LANG, env.LC_ALL, env.LC_MESSAGES, env.LANG].find((item) => item)
  return value && /^zh(?:[_\-.@]|$)/i.test(value) ? 'zh' : 'en'
}

let current: Locale | undefined

/** The locale in use: detected from the environment on first use, unless set. */
export function locale(): Locale {
  current ??= detectLocale()
  return current
}

/** Sets the locale of the messages that follow (for tests and embedding). */
export function setLocale(next: Locale): void {
  current = next
}

/** The `Accept-Language` the CLI sends, so that the gateway's problems come in the reader's language. */
export function acceptLanguage(): string {
  return locale() === 'zh' ? 'zh-CN' : 'en'
}

/** The message `key` in the current locale, its `{placeholders}` filled from `params`. */
export function t<K extends MessageKey>(
  key: K,
  ...[params]: Placeholders<(typeof en)[K]> extends never ? [params?: undefined] : [params: Params<K>]
): string {
  const text = catalogues[locale()][key]
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String((params as Record<string, string | number>)[name]) : whole,
  )
}

export { en, zh }
