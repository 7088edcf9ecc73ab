import { readFileSync } from 'node:fs'
import t from 'tap'
import { openApiText } from '../src/http/openapi.js'
import { testApp } from './helpers/app.js'

t.test(
  'the committed openapi/hejie.openapi.json is what the routes produce (run `pnpm openapi`)',
  async (t) => {
    const { app } = await testApp(t)
    const committed = readFileSync(new URL('../../../openapi/hejie.openapi.json', import.meta.url), 'utf8')
    t.equal(committed, openApiText(app))
  },
)
