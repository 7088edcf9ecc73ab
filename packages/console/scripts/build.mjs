#!/usr/bin/env node
// Builds the console into dist/: index.html plus content-hashed assets, so the gateway can
// serve assets/* as immutable for a year and index.html fresh. Each JS and CSS file gets
// .br and .gz siblings written here, once, instead of being compressed on every request.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = new URL('..', import.meta.url).pathname
const dist = join(root, 'dist')
const assets = join(dist, 'assets')
rmSync(dist, { recursive: true, force: true })
mkdirSync(assets, { recursive: true })

const result = await build({
  absWorkingDir: root,
  entryPoints: { console: 'src/main.tsx' },
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['chrome109', 'firefox115', 'safari16'],
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: assets,
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
})

const outputs = Object.entries(result.metafile.outputs)
const entry = outputs.find(([, output]) => output.entryPoint === 'src/main.tsx')
if (!entry) throw new Error('the build produced no entry script')
const script = basename(entry[0])
const stylesheet = entry[1].cssBundle ? basename(entry[1].cssBundle) : undefined
// The chunks the entry imports statically load with it: preloading them saves a round trip.
const preloads = entry[1].imports.filter((i) => i.kind === 'import-statement').map((i) => basename(i.path))

// No inline script or style: the gateway's CSP allows 'self' only.
const html = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>和解 · 消费纠纷在线处理</title>
<link rel="icon" href="data:,">
${stylesheet ? `<link rel="stylesheet" href="/console/assets/${stylesheet}">\n` : ''}${preloads
  .map((p) => `<link rel="modulepreload" href="/console/assets/${p}">\n`)
  .join('')}<script type="module" src="/console/assets/${script}"></script>
</head>
<body>
<noscript>和解控制台需要启用 JavaScript。The Hejie console needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`
writeFileSync(join(dist, 'index.html'), html)

let firstLoad = 0
for (const [path] of outputs) {
  if (!/\.(js|css)$/.test(path)) continue
  const bytes = readFileSync(join(root, path))
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
  writeFileSync(join(root, `${path}.br`), br)
  writeFileSync(join(root, `${path}.gz`), gzipSync(bytes, { level: 9 }))
  if (path.endsWith('.js') && [script, ...preloads].includes(basename(path))) firstLoad += br.length
}
console.log(`console: ${script}, first load ${(firstLoad / 1024).toFixed(1)} KiB of JavaScript (brotli)`)
