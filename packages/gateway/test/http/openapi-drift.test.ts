import { readFileSync } from 'node:fs'
import t from 'tap'
import { openApiText } from '../../src/http/openapi.js'
import { testApp } from '../helpers/app.js'

t.test(
  'the committed openapi/hejie.openapi.json is what the routes produce (run `pnpm openapi`)',
  async (t) => {
    const { app } = await testApp(t)
    const committed = readFileSync(new URL('../../../../openapi/hejie.openapi.json', import.meta.url), 'utf8')
    t.equal(committed, openApiText(app))
  },
)

t.test('every operation has a unique operationId and a tag the document describes', async (t) => {
  const { app } = await testApp(t)
  const document = app.swagger() as {
    tags: { name: string }[]
    paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>>
  }
  const declared = new Set(document.tags.map((tag) => tag.name))
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      at: `${method.toUpperCase()} ${path}`,
      ...operation,
    })),
  )
  t.same(
    operations.filter(
      (operation) => !operation.tags?.length || operation.tags.some((tag) => !declared.has(tag)),
    ),
    [],
    'no operation without a declared tag',
  )
  const ids = operations.map((operation) => operation.operationId)
  t.same(
    ids.filter((id, i) => id === undefined || ids.indexOf(id) !== i),
    [],
    'no operation without an operationId, none twice',
  )
})
