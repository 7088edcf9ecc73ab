import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

/**
 * Every relative link of the documentation leads somewhere: README.md, README.zh-CN.md,
 * docs/**\/*.md and examples/**\/README*.md. A link's file (or folder) must exist, and its
 * `#anchor`, in the same page or another, must be the GitHub slug of one of that page's
 * headings (or an explicit `<a id>`/`<a name>`). External links are not fetched.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')

function walk(folder: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(folder)) return []
  return readdirSync(folder).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return []
    const path = join(folder, name)
    if (statSync(path).isDirectory()) return walk(path, keep)
    return keep(name) ? [path] : []
  })
}

const pages = [
  ...['README.md', 'README.zh-CN.md'].map((name) => join(root, name)).filter((path) => existsSync(path)),
  ...walk(join(root, 'docs'), (name) => name.endsWith('.md')),
  ...walk(join(root, 'examples'), (name) => /^README.*\.md$/.test(name)),
]

/** The page's lines, with fenced code blocks blanked (their line numbers kept). */
function proseLines(text: string): string[] {
  let fence: string | undefined
  return text.split('\n').map((line) => {
    const opening = /^\s*(`{3,}|~{3,})/.exec(line)
    if (fence !== undefined) {
      if (opening && (opening[1] as string).startsWith(fence)) fence = undefined
      return ''
    }
    if (opening) {
      fence = opening[1] as string
      return ''
    }
    return line
  })
}

/** GitHub's heading slug: lower case, punctuation and symbols dropped, spaces to '-'; CJK kept. */
export function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

const anchorCache = new Map<string, Set<string>>()

/** The anchors a page offers: its headings' slugs (repeated ones numbered -1, -2…) and explicit ids. */
function anchors(path: string): Set<string> {
  const cached = anchorCache.get(path)
  if (cached) return cached
  const found = new Set<string>()
  const seen = new Map<string, number>()
  for (const line of proseLines(readFileSync(path, 'utf8'))) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading) {
      const base = slug(heading[1] as string)
      const count = seen.get(base) ?? 0
      seen.set(base, count + 1)
      found.add(count === 0 ? base : `${base}-${count}`)
    }
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(match[1] as string)
  }
  anchorCache.set(path, found)
  return found
}

/** Link targets of one line: inline links and images, and reference definitions; code spans skipped. */
function targets(line: string): string[] {
  const prose = line.replace(/(`+)[\s\S]*?\1/g, '')
  const inline = [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    (m) => m[1] as string,
  )
  const definition = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose)
  return definition ? [...inline, definition[1] as string] : inline
}

function check(page: string): string[] {
  const problems: string[] = []
  const lines = proseLines(readFileSync(page, 'utf8'))
  lines.forEach((line, index) => {
    for (const target of targets(line)) {
      const where = `${relative(root, page)}:${index + 1} → ${target}`
      if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue
      const hash = target.indexOf('#')
      const pathPart = hash === -1 ? target : target.slice(0, hash)
      const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1))
      let file: string
      try {
        const decoded = decodeURIComponent(pathPart.split('?')[0] as string)
        file =
          decoded === ''
            ? page
            : decoded.startsWith('/')
              ? join(root, decoded)
              : resolve(dirname(page), decoded)
      } catch {
        problems.push(`${where} (malformed percent-escape)`)
        continue
      }
      if (!existsSync(file)) {
        problems.push(`${where} (no such file: ${relative(root, file)})`)
        continue
      }
      if (anchor === undefined || anchor === '') continue
      if (statSync(file).isDirectory() || !file.endsWith('.md')) {
        if (/^L\d+(-L\d+)?$/.test(anchor)) continue
        problems.push(`${where} (an anchor on a file that is not a Markdown page)`)
        continue
      }
      if (!anchors(file).has(anchor)) problems.push(`${where} (no heading with the anchor #${anchor})`)
    }
  })
  return problems
}

t.test('the link check finds the pages it covers', async (t) => {
  const names = pages.map((page) => relative(root, page))
  t.ok(names.includes('README.md'), 'README.md')
  t.ok(
    names.some((name) => name.startsWith('docs/zh/')),
    'the Chinese pages',
  )
  t.ok(
    names.some((name) => name.startsWith('examples/')),
    'the examples’ READMEs',
  )
  t.notOk(
    names.some((name) => name.includes('node_modules')),
    'nothing under node_modules',
  )
})

t.test('GitHub slugs keep Chinese characters and drop punctuation', async (t) => {
  t.equal(slug('Versions, ETag and If-Match'), 'versions-etag-and-if-match')
  t.equal(slug('`respond_by`'), 'respond_by')
  t.equal(slug('Intake: `external_ref` and active enterprises'), 'intake-external_ref-and-active-enterprises')
  t.equal(slug('消费者确认：消费者自己完成的回访'), '消费者确认消费者自己完成的回访')
  t.equal(slug('Where webhooks may go (SSRF protection)'), 'where-webhooks-may-go-ssrf-protection')
  t.equal(slug('1. Intake (regulator)'), '1-intake-regulator')
})

t.test('every relative link in the documentation leads to an existing file and heading', async (t) => {
  const problems = pages.flatMap(check)
  t.strictSame(
    problems,
    [],
    problems.length === 0 ? 'no broken links' : `broken links:\n${problems.join('\n')}`,
  )
})
