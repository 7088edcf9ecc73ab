import type { Language } from '../errors.js'

/** The `content-language` each language is served as. */
export const CONTENT_LANGUAGE: Record<Language, string> = { en: 'en', zh: 'zh-CN' }

/**
 * The language of a problem, negotiated from `Accept-Language` (RFC 9110 §12.5.4, with the
 * basic filtering of RFC 4647): Chinese when the caller weighs Chinese (`zh` or any `zh-*`)
 * above English, English otherwise, and English when the header is absent or names neither.
 * A language's weight is that of its most specific range (`zh-CN;q=0.8` before `*;q=1`);
 * on equal weights the range listed first wins. `q=0` refuses a language.
 */
export function negotiateLanguage(header: string | string[] | undefined): Language {
  if (header === undefined) return 'en'
  const ranges = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((part, position) => {
      const [range = '', ...params] = part.split(';').map((piece) => piece.trim())
      let q = 1
      for (const param of params) {
        const match = /^q\s*=\s*([01](?:\.\d{0,3})?)$/i.exec(param)
        if (match) q = Number(match[1])
      }
      return { range: range.toLowerCase(), q: Number.isFinite(q) ? Math.min(q, 1) : 0, position }
    })
    .filter((entry) => entry.range !== '')
  const weigh = (language: Language) => {
    const specific = ranges.filter(
      (entry) => entry.range === language || entry.range.startsWith(`${language}-`),
    )
    const matching = specific.length > 0 ? specific : ranges.filter((entry) => entry.range === '*')
    if (matching.length === 0) return { q: 0, position: Number.POSITIVE_INFINITY }
    const best = matching.reduce((a, b) => (b.q > a.q ? b : a))
    return { q: best.q, position: best.position }
  }
  const zh = weigh('zh')
  const en = weigh('en')
  if (zh.q <= 0) return 'en'
  if (zh.q > en.q) return 'zh'
  return zh.q === en.q && zh.position < en.position ? 'zh' : 'en'
}
