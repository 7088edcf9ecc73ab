/** The largest evidence file accepted: 10 MiB, a long phone recording or a scanned contract. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024

/**
 * The size of a stored chunk. Large enough that a 10 MiB file is 40 rows and 40 short
 * transactions, small enough that an upload or a download holds only this much at a time.
 */
export const CHUNK_BYTES = 256 * 1024

/** How long a file uploaded for an intake may wait to be bound before it is purged. */
export const UNBOUND_FILE_TTL_MS = 24 * 3_600_000

/** Content older than this without a file row was left by an upload that died; no upload lasts so long. */
export const ORPHAN_CHUNK_TTL_MS = 3_600_000
