/**
 * Sets the modification time of every entry of a ZIP archive (an XLSX is one) to a fixed
 * DOS time, in its local header and in the central directory, so that generating the same
 * workbook twice gives the same bytes: the zip library stamps each entry with the time it
 * was added.
 */
export function fixZipDates(zip: Buffer, at: { year: number; month: number; day: number }): Buffer {
  const out = Buffer.from(zip)
  const dosDate = ((at.year - 1980) << 9) | (at.month << 5) | at.day
  const dosTime = 0
  const end = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0) throw new Error('not a ZIP archive: no end of central directory')
  const entries = out.readUInt16LE(end + 10)
  let entry = out.readUInt32LE(end + 16)
  for (let n = 0; n < entries; n += 1) {
    if (out.readUInt32LE(entry) !== 0x02014b50) throw new Error('malformed ZIP central directory')
    out.writeUInt16LE(dosTime, entry + 12)
    out.writeUInt16LE(dosDate, entry + 14)
    const local = out.readUInt32LE(entry + 42)
    out.writeUInt16LE(dosTime, local + 10)
    out.writeUInt16LE(dosDate, local + 12)
    entry += 46 + out.readUInt16LE(entry + 28) + out.readUInt16LE(entry + 30) + out.readUInt16LE(entry + 32)
  }
  return out
}
