import { readFileSync } from 'node:fs'
import { build } from 'esbuild'
import t from 'tap'

const sdk = new URL('../', import.meta.url)
const entry = (path: string) => new URL(path, sdk).pathname

/** The entry point bundled as the console's esbuild bundles it: for browsers, everything inlined. */
function bundleForBrowsers(path: string) {
  return build({
    entryPoints: [entry(path)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
}

t.test(
  'the web-audit entry point bundles for browsers with no Node.js built-in and no JOSE library',
  async (t) => {
    const result = await bundleForBrowsers('src/web-audit/index.ts')
    t.same(result.errors, [])
    const inputs = Object.keys(result.metafile.inputs)
    t.ok(inputs.length > 0)
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path))
    t.same(
      imports.filter((path) => path.startsWith('node:')),
      [],
      'no node: import anywhere in its graph',
    )
    t.same(
      inputs.filter((path) => /node_modules|\/(jose|undici|canonicalize|standardwebhooks)\//.test(path)),
      [],
      'no dependency but @hejie/merkle',
    )
    t.same(
      inputs.filter(
        (path) =>
          !/(^|\/)(merkle\/(src|dist)|sdk\/src\/(audit|web-audit)|src\/(audit|web-audit))\//.test(path),
      ),
      [],
      'only the Merkle package, the shared audit formats and web-audit itself',
    )
    const code = result.outputFiles[0]?.text ?? ''
    t.notMatch(code, /\bBuffer\b|\bprocess\./, 'no Buffer or process in the bundled code')
  },
)

t.test(
  "the SDK's main entry point, which needs Node.js, does not bundle for browsers: the check above can fail",
  async (t) => {
    await t.rejects(bundleForBrowsers('src/index.ts'), /node:/)
  },
)

t.test('the package exports web-audit as a subpath with its types', async (t) => {
  const manifest = JSON.parse(readFileSync(entry('package.json'), 'utf8'))
  t.same(manifest.exports['./web-audit'], {
    types: './dist/web-audit/index.d.ts',
    default: './dist/web-audit/index.js',
  })
})
