import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import t from 'tap'
import { testApp } from '../helpers/app.js'

const backend = process.env.HEJIE_TEST_DB ?? 'sqlite'

const script = 'console.log("和解")\n'.repeat(50)
const indexHtml =
  '<!doctype html><html lang="zh-CN"><script type="module" src="/console/assets/main-3FJ2K.js"></script></html>'

/** A built console as the console's build lays it out: index.html and hashed assets with compressed copies. */
function builtConsole(t: { teardown(fn: () => void): void }): string {
  const directory = mkdtempSync(join(tmpdir(), 'hejie-console-'))
  t.teardown(() => rmSync(directory, { recursive: true, force: true }))
  mkdirSync(join(directory, 'assets'))
  writeFileSync(join(directory, 'index.html'), indexHtml)
  writeFileSync(join(directory, 'assets', 'main-3FJ2K.js'), script)
  writeFileSync(join(directory, 'assets', 'main-3FJ2K.js.br'), brotliCompressSync(script))
  writeFileSync(join(directory, 'assets', 'main-3FJ2K.js.gz'), gzipSync(script))
  writeFileSync(join(directory, 'assets', 'notes.txt'), 'not an asset type')
  return directory
}

t.test(
  `/console and every page under it answer the app's index, revalidated by its ETag, with a strict CSP (${backend})`,
  async (t) => {
    const { app } = await testApp(t, { config: { consoleDir: builtConsole(t) } })
    for (const url of [
      '/console',
      '/console/',
      '/console/disputes/dsp_01jd0000000000000000000000',
      '/console/dispatch?lang=en',
    ]) {
      const res = await app.inject({ url })
      t.equal(res.statusCode, 200, url)
      t.equal(res.body, indexHtml)
      t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
      t.equal(res.headers['cache-control'], 'no-cache')
      t.match(
        res.headers['content-security-policy'],
        /default-src 'self'; script-src 'self'; style-src 'self';.*frame-ancestors 'none'/,
      )
      t.equal(res.headers['x-frame-options'], 'DENY')
    }
    const first = await app.inject({ url: '/console' })
    const again = await app.inject({
      url: '/console',
      headers: { 'if-none-match': String(first.headers.etag) },
    })
    t.equal(again.statusCode, 304)
  },
)

t.test(
  `assets are served compressed as the browser accepts, cached for a year as immutable (${backend})`,
  async (t) => {
    const { app } = await testApp(t, { config: { consoleDir: builtConsole(t) } })
    const url = '/console/assets/main-3FJ2K.js'
    const br = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } })
    t.equal(br.statusCode, 200)
    t.equal(br.headers['content-encoding'], 'br')
    t.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.equal(br.headers.vary, 'accept-encoding')
    t.equal(br.headers['content-type'], 'text/javascript; charset=utf-8')
    t.ok(br.rawPayload.length < script.length / 4, 'the compressed copy is what is sent')

    const gzip = await app.inject({ url, headers: { 'accept-encoding': 'gzip, br;q=0' } })
    t.equal(gzip.headers['content-encoding'], 'gzip')
    const plain = await app.inject({ url })
    t.equal(plain.headers['content-encoding'], undefined)
    t.equal(plain.body, script)
  },
)

t.test(
  `names that are not built assets answer 404, and no path reaches the file system (${backend})`,
  async (t) => {
    const directory = builtConsole(t)
    const { app } = await testApp(t, { config: { consoleDir: directory } })
    for (const url of [
      '/console/assets/notes.txt',
      '/console/assets/main-3FJ2K.js.br',
      '/console/assets/..%2Findex.html',
      '/console/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/console/assets/unknown.js',
    ]) {
      const res = await app.inject({ url })
      t.equal(res.statusCode, 404, url)
    }
  },
)

t.test(
  `over plain HTTP at another address the console page explains that it needs HTTPS (${backend})`,
  async (t) => {
    const { app } = await testApp(t, { config: { consoleDir: builtConsole(t) } })
    const res = await app.inject({ url: '/console', headers: { host: 'odr.example.gov.cn' } })
    t.equal(res.statusCode, 403)
    t.match(res.body, /控制台需要 HTTPS/)
    const local = await app.inject({ url: '/console', headers: { host: '127.0.0.1:8080' } })
    t.equal(local.statusCode, 200)
  },
)

t.test(`without a built console, /console says how to build it (${backend})`, async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'hejie-console-empty-'))
  t.teardown(() => rmSync(empty, { recursive: true, force: true }))
  const { app } = await testApp(t, { config: { consoleDir: empty } })
  const res = await app.inject({ url: '/console' })
  t.equal(res.statusCode, 503)
  t.match(res.body, /pnpm run build/)
})
