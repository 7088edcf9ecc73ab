import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { t } from './i18n/index.js'

/** What `hejie login` saves: enough to get tokens, as the SDK does on every command. */
export interface Credentials {
  baseUrl: string
  clientId: string
  clientSecret: string
}

/** Raised when a command needs credentials and there are none. */
export class NotLoggedInError extends Error {}

/** `HEJIE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/hejie`, else `~/.config/hejie`. */
export function configDir(env = process.env): string {
  if (env.HEJIE_CONFIG_DIR) return env.HEJIE_CONFIG_DIR
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'hejie')
}

export function credentialsFile(env = process.env): string {
  return join(configDir(env), 'credentials.json')
}

/**
 * Saves the credentials readable by their owner only (0600, in a 0700 folder). The file is
 * written beside its final name and renamed over it, so that a crash never leaves half a
 * file, and the mode is set before the secret is in it.
 */
export async function saveCredentials(credentials: Credentials, env = process.env): Promise<string> {
  const file = credentialsFile(env)
  await mkdir(configDir(env), { recursive: true, mode: 0o700 })
  const partial = `${file}.${process.pid}.tmp`
  const { baseUrl, clientId, clientSecret } = credentials
  const text = `${JSON.stringify({ base_url: baseUrl, client_id: clientId, client_secret: clientSecret }, null, 2)}\n`
  await writeFile(partial, text, { mode: 0o600 })
  await chmod(partial, 0o600)
  await rename(partial, file)
  return file
}

/**
 * The credentials to use: `HEJIE_BASE_URL`, `HEJIE_CLIENT_ID` and `HEJIE_CLIENT_SECRET` when
 * all three are set (for CI, where nobody logs in), else those saved by `hejie login`.
 */
export async function loadCredentials(env = process.env): Promise<Credentials> {
  if (env.HEJIE_BASE_URL && env.HEJIE_CLIENT_ID && env.HEJIE_CLIENT_SECRET) {
    return {
      baseUrl: env.HEJIE_BASE_URL,
      clientId: env.HEJIE_CLIENT_ID,
      clientSecret: env.HEJIE_CLIENT_SECRET,
    }
  }
  let saved: { base_url?: unknown; client_id?: unknown; client_secret?: unknown }
  try {
    saved = JSON.parse(await readFile(credentialsFile(env), 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotLoggedInError(t('credentials.notLoggedIn'))
    }
    throw new NotLoggedInError(t('credentials.unreadable', { file: credentialsFile(env) }))
  }
  const { base_url, client_id, client_secret } = saved
  if (typeof base_url !== 'string' || typeof client_id !== 'string' || typeof client_secret !== 'string') {
    throw new NotLoggedInError(t('credentials.incomplete', { file: credentialsFile(env) }))
  }
  return { baseUrl: base_url, clientId: client_id, clientSecret: client_secret }
}

/** A gateway's address as compared: its origin and path, without a trailing slash. */
function gatewayAddress(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(t('credentials.notUrl', { url }))
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`
}

/**
 * The credentials to use with `gateway` (a command's `--gateway`): `HEJIE_CLIENT_ID` and
 * `HEJIE_CLIENT_SECRET` with that address when `HEJIE_BASE_URL` is not set, else the usual
 * ones (loadCredentials), which must then be for that gateway: a secret is never sent to a
 * gateway other than the one it was saved or set for. Without `gateway`, the usual ones.
 */
export async function credentialsFor(gateway: string | undefined, env = process.env): Promise<Credentials> {
  if (gateway !== undefined && env.HEJIE_CLIENT_ID && env.HEJIE_CLIENT_SECRET && !env.HEJIE_BASE_URL) {
    gatewayAddress(gateway)
    return { baseUrl: gateway, clientId: env.HEJIE_CLIENT_ID, clientSecret: env.HEJIE_CLIENT_SECRET }
  }
  const credentials = await loadCredentials(env)
  if (gateway !== undefined && gatewayAddress(gateway) !== gatewayAddress(credentials.baseUrl)) {
    throw new NotLoggedInError(t('credentials.otherGateway', { saved: credentials.baseUrl, gateway }))
  }
  return credentials
}
