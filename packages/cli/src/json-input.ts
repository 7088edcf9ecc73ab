import { readFile } from 'node:fs/promises'
import { text } from 'node:stream/consumers'
import { t } from './i18n/index.js'

/**
 * A JSON object read from a file, or from standard input when the file is left out or is
 * `-`, so that a script can pipe a body it builds (`jq … | hejie disputes create`). What it
 * describes is `what` in messages ("the intake"). A terminal on standard input is refused
 * rather than waited on: nobody types a complaint's JSON by hand.
 */
export async function readJsonObject(
  file: string | undefined,
  what: string,
): Promise<Record<string, unknown>> {
  const fromStdin = file === undefined || file === '-'
  if (fromStdin && process.stdin.isTTY) {
    throw new Error(t('json.terminal', { what }))
  }
  const source = fromStdin ? t('json.stdin') : file
  const where = fromStdin ? t('json.onStdin') : t('json.inFile', { file })
  let content: string
  try {
    content = fromStdin ? await text(process.stdin) : await readFile(file, 'utf8')
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? t('json.noSuchFile') : (error as Error).message
    throw new Error(t('json.unreadable', { what, source, reason }))
  }
  if (content.trim() === '') throw new Error(t('json.empty', { What: capitalised(what), where }))
  let value: unknown
  try {
    value = JSON.parse(content)
  } catch (error) {
    throw new Error(t('json.invalid', { What: capitalised(what), where, reason: (error as Error).message }))
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(t('json.notObject', { What: capitalised(what), where }))
  }
  return value as Record<string, unknown>
}

function capitalised(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1)
}
