import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

/**
 * The Chinese documentation keeps up with the English: every English page with a Chinese
 * counterpart (docs/X.md ↔ docs/zh/X.md, README.md ↔ README.zh-CN.md) links to it and back,
 * and the two name the same endpoints and carry the same code blocks in the same order
 * (comments may be translated). Some pages must have a counterpart.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')

/** Pages a Chinese reader needs: each must have docs/zh/X.md. */
const required = [
  'getting-started',
  'disputes',
  'dispatch',
  'jurisdictions',
  'supervision',
  'webhooks',
  'audit',
  'console',
  'errors',
]

interface Pair {
  english: string
  chinese: string
  /** The link target the English page uses for the Chinese one, and the reverse. */
  toChinese: string
  toEnglish: string
}

const pairs: Pair[] = [
  { english: 'README.md', chinese: 'README.zh-CN.md', toChinese: 'README.zh-CN.md', toEnglish: 'README.md' },
  ...readdirSync(join(root, 'docs/zh'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => ({
      english: `docs/${name}`,
      chinese: `docs/zh/${name}`,
      toChinese: `zh/${name}`,
      toEnglish: `../${name}`,
    })),
]

function read(path: string): string {
  return readFileSync(join(root, path), 'utf8')
}

interface Block {
  info: string
  lines: string[]
}

/** Fenced code blocks, in order, with their info string. */
export function codeBlocks(text: string): Block[] {
  const blocks: Block[] = []
  let open: { fence: string; block: Block } | undefined
  for (const line of text.split('\n')) {
    const fence = /^\s*(`{3,}|~{3,})\s*(\S*)/.exec(line)
    if (open) {
      if (fence && (fence[1] as string).startsWith(open.fence) && fence[2] === '') {
        blocks.push(open.block)
        open = undefined
      } else open.block.lines.push(line)
    } else if (fence) open = { fence: fence[1] as string, block: { info: fence[2] as string, lines: [] } }
  }
  return blocks
}

/** A block as compared: `#` and `//` comments (at a line's start or after a space) removed, whitespace normalised, blank lines dropped. */
export function normalise(block: Block): string {
  const lines = block.lines
    .map((line) =>
      line
        .replace(/(^|\s)(#|\/\/)(?!!).*$/, '$1')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((line) => line !== '')
  return [block.info, ...lines].join('\n')
}

/** Endpoints named in the text, `METHOD /path`, as a sorted set. */
export function endpoints(text: string): string[] {
  const found = new Set<string>()
  for (const match of text.matchAll(/\b(GET|POST|PUT|PATCH|DELETE|HEAD)\s+(\/[\w\-./{}:?=&*$%…]*)/g)) {
    const path = (match[2] as string).replace(/[.:,?]+$/, '')
    found.add(`${match[1]} ${path}`)
  }
  return [...found].sort()
}

/** Whether the text links to target (with or without an anchor). */
function linksTo(text: string, target: string): boolean {
  const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`\\]\\(${escaped}(#[^)]*)?\\)`).test(text)
}

t.test('the comparison strips comments and normalises whitespace, and finds endpoints', async (t) => {
  t.equal(
    normalise({
      info: 'sh',
      lines: ['# 1. Start', 'pnpm   start  # the gateway', '', 'curl http://x/y // no'],
    }),
    'sh\npnpm start\ncurl http://x/y',
  )
  t.equal(normalise({ info: 'js', lines: ['const a = 1 // 一个值'] }), 'js\nconst a = 1')
  t.same(endpoints('调用 `GET /v1/disputes/{id}`，或 POST /v1/files.'), [
    'GET /v1/disputes/{id}',
    'POST /v1/files',
  ])
})

t.test('every page that must be translated has a Chinese page', async (t) => {
  for (const name of required) {
    t.ok(existsSync(join(root, `docs/zh/${name}.md`)), `docs/zh/${name}.md exists`)
  }
})

for (const pair of pairs) {
  t.test(`${pair.chinese} and ${pair.english} link to each other`, async (t) => {
    t.ok(existsSync(join(root, pair.english)), `${pair.english} exists`)
    t.ok(existsSync(join(root, pair.chinese)), `${pair.chinese} exists`)
    if (!existsSync(join(root, pair.english)) || !existsSync(join(root, pair.chinese))) return
    t.ok(linksTo(read(pair.english), pair.toChinese), `${pair.english} links to ${pair.toChinese}`)
    t.ok(linksTo(read(pair.chinese), pair.toEnglish), `${pair.chinese} links to ${pair.toEnglish}`)
  })

  t.test(`${pair.chinese} names the same endpoints as ${pair.english}`, async (t) => {
    if (!existsSync(join(root, pair.english)) || !existsSync(join(root, pair.chinese))) return
    const english = endpoints(read(pair.english))
    const chinese = endpoints(read(pair.chinese))
    t.same(
      english.filter((endpoint) => !chinese.includes(endpoint)),
      [],
      'endpoints of the English page missing from the Chinese one',
    )
    t.same(
      chinese.filter((endpoint) => !english.includes(endpoint)),
      [],
      'endpoints of the Chinese page the English one does not name',
    )
  })

  t.test(`${pair.chinese} has the code blocks of ${pair.english}, in the same order`, async (t) => {
    if (!existsSync(join(root, pair.english)) || !existsSync(join(root, pair.chinese))) return
    const english = codeBlocks(read(pair.english)).map(normalise)
    const chinese = codeBlocks(read(pair.chinese)).map(normalise)
    t.equal(chinese.length, english.length, 'as many code blocks')
    english.forEach((block, index) => {
      t.equal(chinese[index], block, `code block ${index + 1} of ${english.length}`)
    })
  })
}

t.test(
  'docs/zh/errors.md has a row for every error code of docs/errors.md, the code unchanged',
  async (t) => {
    const codes = (text: string) =>
      [...text.matchAll(/^\|\s*`([a-z_]+)`\s*\|/gm)].map((match) => match[1] as string)
    const english = codes(read('docs/errors.md'))
    t.ok(english.length > 40, `${english.length} codes in docs/errors.md`)
    t.same(codes(read('docs/zh/errors.md')), english, 'the same codes, in the same order')
  },
)
