import { readFileSync } from 'node:fs'
import t from 'tap'
import { sdkVersion } from '../src/internal/version.js'

t.test('the version in the User-Agent is the version in package.json', async (t) => {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  t.equal(sdkVersion, version)
})
