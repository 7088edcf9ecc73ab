import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The repository's root folder. */
export const root = fileURLToPath(new URL('../../', import.meta.url))

const sdkPackage = new URL('../../packages/sdk/package.json', import.meta.url)

/** The built SDK, what an integrator installs. */
export const sdkUrl = new URL('../../packages/sdk/dist/index.js', import.meta.url).href

/** The built `hejie` command and the built `hejie-gateway` command. */
export const cliPath = fileURLToPath(new URL('../../packages/cli/dist/cli.js', import.meta.url))
export const gatewayCliPath = fileURLToPath(new URL('../../packages/gateway/dist/cli.js', import.meta.url))

/**
 * Imports a dependency of the SDK as the SDK itself resolves it: the raw undici requests that
 * the SDK is compared with must run on the very undici the SDK runs on, and webhooks are
 * verified with the standardwebhooks the SDK verifies with.
 */
export function importFromSdk(specifier) {
  const resolved = createRequire(sdkPackage).resolve(specifier)
  return import(pathToFileURL(resolved).href)
}

export function versionFromSdk(name) {
  try {
    return createRequire(sdkPackage)(`${name}/package.json`).version
  } catch {
    return undefined
  }
}
