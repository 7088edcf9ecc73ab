import { existsSync, readFileSync } from 'node:fs'
import t from 'tap'

/**
 * docs/security.md proves each claim with tests, named by file and by the test's own name.
 * Every one it names must exist, so that the page cannot cite a test that was renamed or
 * removed.
 */
const root = new URL('../../../../', import.meta.url)
const page = readFileSync(new URL('docs/security.md', root), 'utf8')

/** A file as the page names it: gateway tests relative to their folder, others from the root. */
function testFile(name: string): URL {
  return name.startsWith('packages/') ? new URL(name, root) : new URL(`packages/gateway/test/${name}`, root)
}

/** Test names as declared: the string given to t.test, with `${backend}` and what follows it left out. */
function declaredNames(source: string): string[] {
  return [...source.matchAll(/t\.test\(\s*(['`"])([\s\S]*?)\1/g)].map((match) =>
    (match[2] as string).replace(/\s*\(\$\{backend\}\)$/, '').replace(/\s+/g, ' '),
  )
}

const citations = [...page.matchAll(/^- `([^`]+\.test\.ts)`: ((?:.|\n {2}\S)*)/gm)].flatMap((match) => {
  const file = match[1] as string
  const names = [...(match[2] as string).replace(/\n\s+/g, ' ').matchAll(/"([^"]+)"/g)].map(
    (quoted) => quoted[1] as string,
  )
  return names.map((name) => ({ file, name }))
})

t.test('docs/security.md cites tests', async (t) => {
  t.ok(citations.length > 40, `${citations.length} tests cited`)
})

t.test('every test docs/security.md cites exists in the file it names', async (t) => {
  const missing = citations.filter(({ file, name }) => {
    const url = testFile(file)
    return !existsSync(url) || !declaredNames(readFileSync(url, 'utf8')).includes(name)
  })
  t.same(
    missing.map(({ file, name }) => `${file}: "${name}"`),
    [],
  )
})
