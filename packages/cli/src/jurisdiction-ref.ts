import type { Hejie } from '@hejie/sdk'
import { t } from './i18n/index.js'

/**
 * The id of a jurisdiction named on the command line by its id (`jur_…`) or by its code
 * (`110106`, as people know their bureau), looked up in the caller's subtree: a code outside
 * it is no more found than an id would be.
 */
export async function jurisdictionId(hejie: Hejie, ref: string): Promise<string> {
  if (ref.startsWith('jur_')) return ref
  for await (const node of hejie.jurisdictions.list({ limit: 100 })) {
    if (node.code === ref) return node.id
  }
  throw new Error(t('jurisdiction.unknownCode', { code: ref }))
}
