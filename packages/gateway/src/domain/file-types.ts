/**
 * The file types accepted as evidence, recognised by their first bytes (magic numbers), never
 * by name or by the type the client claims: a recording renamed `.pdf` is still a recording.
 */

export const fileKinds = ['pdf', 'jpeg', 'png', 'webp', 'mp3', 'm4a', 'amr', 'wav'] as const
export type FileKind = (typeof fileKinds)[number]

/** What a file shows, as its uploader declares it. */
export const filePurposes = [
  'complaint_material',
  'consent_record',
  'refund_receipt',
  'mediation_record',
  'other',
] as const
export type FilePurpose = (typeof filePurposes)[number]

/** The media type each kind is stored and served as. */
export const mediaTypes: Record<FileKind, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  amr: 'audio/amr',
  wav: 'audio/wav',
}

/** Other names clients commonly send for the same kinds. */
const aliases: Record<string, FileKind> = {
  'image/jpg': 'jpeg',
  'image/pjpeg': 'jpeg',
  'audio/mp3': 'mp3',
  'audio/x-m4a': 'm4a',
  'audio/m4a': 'm4a',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/vnd.wave': 'wav',
}

/** How many leading bytes `sniff` needs to decide. */
export const SNIFF_BYTES = 12

const startsWith = (head: Uint8Array, bytes: readonly number[], at = 0) =>
  head.length >= at + bytes.length && bytes.every((byte, i) => head[at + i] === byte)
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0))

/** The kind the content is, from its first `SNIFF_BYTES` bytes, or null when it is none we accept. */
export function sniff(head: Uint8Array): FileKind | null {
  if (startsWith(head, ascii('%PDF-'))) return 'pdf'
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'webp'
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WAVE'), 8)) return 'wav'
  if (startsWith(head, ascii('#!AMR'))) return 'amr'
  // An MP4 container whose brand is an audio one (iTunes' M4A, or a plain ISO/MP4 brand
  // as Android and WeChat recorders write).
  if (startsWith(head, ascii('ftyp'), 4)) {
    const brand = String.fromCharCode(...head.subarray(8, 12))
    if (['M4A ', 'M4B ', 'mp42', 'isom', 'mp41', 'iso2', '3gp4', '3gp5'].includes(brand)) return 'm4a'
  }
  // MP3: an ID3v2 tag, or an MPEG audio frame sync (11 set bits, layer III).
  if (startsWith(head, ascii('ID3'))) return 'mp3'
  if (head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xe6) === 0xe2) return 'mp3'
  return null
}

/**
 * The kind a client's claimed media type names; `undefined` when the claim says nothing
 * (absent or `application/octet-stream`), null when it names a type we do not accept.
 */
export function claimedKind(mediaType: string | undefined): FileKind | null | undefined {
  const type = mediaType?.split(';')[0]?.trim().toLowerCase()
  if (!type || type === 'application/octet-stream') return undefined
  const kind =
    (Object.entries(mediaTypes).find(([, media]) => media === type)?.[0] as FileKind | undefined) ??
    aliases[type]
  return kind ?? null
}
