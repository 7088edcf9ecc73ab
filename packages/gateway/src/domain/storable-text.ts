/**
 * What both databases and RFC 8785 canonical JSON can keep unchanged. PostgreSQL's text and
 * jsonb refuse NUL; UTF-8 cannot encode a lone surrogate (a driver would store U+FFFD in its
 * place); canonical JSON is I-JSON (RFC 7493), which also excludes the Unicode noncharacters;
 * and a number beyond a double's range has no JSON form at all. Input is checked against this
 * one rule whatever the backend, so SQLite refuses what PostgreSQL would.
 */
const unstorable =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD83F\uD87F\uD8BF\uD8FF\uD93F\uD97F\uD9BF\uD9FF\uDA3F\uDA7F\uDABF\uDAFF\uDB3F\uDB7F\uDBBF\uDBFF][\uDFFE\uDFFF]/

/** Why a string cannot be stored unchanged, or undefined when it can. */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character'
  const match = unstorable.exec(text)
  if (!match) return undefined
  const unit = match[0].charCodeAt(0)
  if (match[0].length === 1 && unit >= 0xd800 && unit <= 0xdfff) return 'contains a lone surrogate'
  return 'contains a Unicode noncharacter'
}

/**
 * The first value inside `value` (strings, object keys, numbers, at any depth) that cannot be
 * stored unchanged, as a JSON pointer and a reason; undefined when everything can.
 */
export function findUnstorable(
  value: unknown,
  pointer = '',
): { pointer: string; reason: string } | undefined {
  if (typeof value === 'string') {
    const reason = unstorableTextReason(value)
    return reason ? { pointer, reason } : undefined
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : { pointer, reason: 'is a number beyond the range of JSON' }
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorable(item, `${pointer}/${index}`)
      if (found) return found
    }
    return undefined
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`
      const keyReason = unstorableTextReason(key)
      if (keyReason) return { pointer: at, reason: `has a name that ${keyReason}` }
      const found = findUnstorable(item, at)
      if (found) return found
    }
  }
  return undefined
}

/** Why a value cannot be stored (a reason from `unstorableTextReason` or `findUnstorable`), in Chinese. */
export function unstorableReasonInChinese(reason: string): string {
  const nameReason = /^has a name that (.+)$/.exec(reason)?.[1]
  if (nameReason !== undefined) return `的属性名${unstorableReasonInChinese(nameReason)}`
  return chineseReasons[reason] ?? '无法原样保存'
}

const chineseReasons: Record<string, string> = {
  'contains a NUL character': '含有 NUL 字符',
  'contains a lone surrogate': '含有不成对的代理码元',
  'contains a Unicode noncharacter': '含有 Unicode 非字符',
  'is a number beyond the range of JSON': '是超出 JSON 表示范围的数字',
}
