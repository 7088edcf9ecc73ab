/** Both Node.js and browsers have them globally; declared because the package compiles without DOM or Node types. */
declare function atob(text: string): string
declare function btoa(text: string): string

/** Standard base64 (RFC 4648 §4) of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** Bytes of standard, padded base64; a TypeError for anything else. */
export function fromBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text))
    throw new TypeError('not standard base64')
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
}
