import { readFileSync } from 'node:fs'
import t from 'tap'
import { configurationTable } from '../../src/config.js'

const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8')

t.test(
  'the README documents every configuration variable as the gateway reads it (run `pnpm config:reference`)',
  async (t) => {
    t.ok(readme.includes(`<!-- configuration:start -->\n${configurationTable()}\n<!-- configuration:end -->`))
  },
)

t.test('the README names the commands that start the gateway and run the tests', async (t) => {
  t.match(readme, /```sh\ncorepack enable pnpm && pnpm install && pnpm start\n```/)
  t.match(readme, /```sh\npnpm test\n```/)
})
