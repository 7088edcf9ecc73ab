import { readFileSync } from 'node:fs'
import t from 'tap'
import { generateTypes, typesFile } from '../scripts/generate-types.mjs'

t.test(
  'the committed generated types are what openapi-typescript makes of the committed spec (run `pnpm --filter @hejie/sdk generate`)',
  async (t) => {
    t.equal(readFileSync(typesFile, 'utf8'), await generateTypes())
  },
)

t.test('the generated file says in its first line that it is generated', async (t) => {
  t.match(
    readFileSync(typesFile, 'utf8').split('\n')[0],
    /^\/\/ Generated from openapi\/hejie\.openapi\.json .*do not edit\.$/,
  )
})
