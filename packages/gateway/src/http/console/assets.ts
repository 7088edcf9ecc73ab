import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where the built console is, in this repository: `packages/console/dist`. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../../console/dist', import.meta.url))

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
}

/** One file of the console, with the compressed copies the build wrote beside it. */
export interface ConsoleAsset {
  contentType: string
  identity: Buffer
  br?: Buffer
  gzip?: Buffer
}

/**
 * The built console, read into memory once at start: a few hundred kilobytes, served on every
 * page load, with no file system access per request and no path from the URL ever reaching
 * the file system (an asset is found by its name in a map, or not at all).
 *
 * Asset names carry a hash of their content (the build names them so), so they are cached
 * for a year as immutable; `index.html`, which names the current ones, is revalidated each
 * time by its ETag.
 */
export class ConsoleAssets {
  private constructor(
    readonly index: { html: Buffer; etag: string } | null,
    private readonly assets: ReadonlyMap<string, ConsoleAsset>,
    readonly directory: string,
  ) {}

  static load(directory: string): ConsoleAssets {
    const indexPath = join(directory, 'index.html')
    if (!existsSync(indexPath)) return new ConsoleAssets(null, new Map(), directory)
    const html = readFileSync(indexPath)
    const etag = `"${createHash('sha256').update(html).digest('base64url').slice(0, 22)}"`
    const assets = new Map<string, ConsoleAsset>()
    const assetDirectory = join(directory, 'assets')
    const names = existsSync(assetDirectory) ? readdirSync(assetDirectory) : []
    for (const name of names) {
      const contentType = contentTypes[extname(name)]
      if (!contentType) continue
      const read = (suffix: string) => {
        const path = join(assetDirectory, `${name}${suffix}`)
        return names.includes(`${name}${suffix}`) ? readFileSync(path) : undefined
      }
      const identity = read('')
      if (!identity) continue
      const br = read('.br')
      const gzip = read('.gz')
      assets.set(name, { contentType, identity, ...(br ? { br } : {}), ...(gzip ? { gzip } : {}) })
    }
    return new ConsoleAssets({ html, etag }, assets, directory)
  }

  asset(name: string): ConsoleAsset | undefined {
    return this.assets.get(name)
  }
}

/** The encoding to answer with: brotli, then gzip, when the client takes it and the build made it. */
export function chooseEncoding(
  asset: ConsoleAsset,
  acceptEncoding: string | undefined,
): { encoding: 'br' | 'gzip' | null; body: Buffer } {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, quality]) => quality === undefined || !/^\s*q=0(\.0*)?\s*$/.test(quality))
      .map(([name]) => name?.trim().toLowerCase()),
  )
  if (asset.br && accepted.has('br')) return { encoding: 'br', body: asset.br }
  if (asset.gzip && accepted.has('gzip')) return { encoding: 'gzip', body: asset.gzip }
  return { encoding: null, body: asset.identity }
}
