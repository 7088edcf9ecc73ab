import { createPublicKey, verify } from 'node:crypto'
import {
  COSIGNATURE_V1,
  cosignedMessage,
  NoteError,
  parseSignedNote,
  parseTimestampedSignature,
  parseVerifierKey,
} from '@hejie/merkle'
import { asClause, problem } from '../../errors.js'
import type { Database } from '../../storage/database.js'
import { checkpointText, nodeSha256 } from '../audit/index.js'
import { runWrite, type WriteContext, type WriteOutcome } from '../write/index.js'

/** How far ahead of the gateway's clock a cosignature's timestamp may be (clocks drift). */
const FUTURE_TOLERANCE_SECONDS = 600

export interface CosignatureInput {
  /** The size of the checkpoint cosigned: one the gateway signed. */
  tree_size: number
  /** The note signature line the witness made: `— <name> base64(key id ‖ timestamp ‖ signature)`. */
  cosignature: string
}

export interface CosignatureView {
  object: 'cosignature'
  witness: string
  tree_size: number
  timestamp: number
  line: string
}

/**
 * Records a witness's cosignature (c2sp.org/tlog-cosignature) of a checkpoint the gateway
 * signed: the line must be made by the witness's own key, over that checkpoint's text, with
 * a timestamp newer than the witness's last. It is kept beside the log, not appended to it:
 * an entry per cosignature would grow the log that the witness then cosigns again.
 */
export function recordCosignature(
  database: Database,
  context: WriteContext,
  witness: { clientId: string; verifierKey: string },
  origin: string,
  input: CosignatureInput,
): Promise<WriteOutcome<CosignatureView>> {
  const key = parseVerifierKey(nodeSha256, witness.verifierKey)
  const line = input.cosignature.trim()
  const signed = parseLine(line)
  if (signed.name !== key.name || signed.keyId !== key.keyId || key.type !== COSIGNATURE_V1) {
    throw problem('cosignature_invalid', {
      en: `The cosignature is by ${signed.name}, key id ${hex(signed.keyId)}; this witness signs as ${key.name}, key id ${hex(key.keyId)}.`,
      zh: `该副署签名来自 ${signed.name}（密钥 id ${hex(signed.keyId)}），而此见证方的签名身份是 ${key.name}（密钥 id ${hex(key.keyId)}）。`,
    })
  }
  const { timestamp, signature } = parseStamped(signed.signature)
  return runWrite(database, context, async (tx) => {
    const now = Math.floor(tx.now.getTime() / 1000)
    if (timestamp > now + FUTURE_TOLERANCE_SECONDS) {
      throw problem('cosignature_invalid', {
        en: `The cosignature's time ${timestamp} is in the future (now ${now}).`,
        zh: `副署签名的时间 ${timestamp} 晚于当前时间（现在是 ${now}）。`,
      })
    }
    const checkpoint = await tx.db
      .selectFrom('audit_checkpoints')
      .select(['tree_size', 'root_hash'])
      .where('tree_size', '=', input.tree_size)
      .executeTakeFirst()
    if (!checkpoint) {
      throw problem('not_found', {
        en: `The gateway signed no checkpoint of size ${input.tree_size}.`,
        zh: `网关没有签发过大小为 ${input.tree_size} 的检查点。`,
      })
    }
    const rootHash = Buffer.from(checkpoint.root_hash).toString('base64')
    const text = checkpointText({ origin, tree_size: Number(checkpoint.tree_size), root_hash: rootHash })
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.publicKey).toString('base64url') },
      format: 'jwk',
    })
    if (!verify(null, cosignedMessage(timestamp, text), publicKey, signature)) {
      throw problem('cosignature_invalid', {
        en: `The cosignature does not verify over the checkpoint of size ${input.tree_size} at time ${timestamp}.`,
        zh: `该副署签名无法针对大小为 ${input.tree_size}、时间为 ${timestamp} 的检查点通过验证。`,
      })
    }
    const last = await tx.db
      .selectFrom('audit_cosignatures')
      .select((eb) => eb.fn.max('timestamp').as('timestamp'))
      .where('client_id', '=', witness.clientId)
      .executeTakeFirst()
    const lastTimestamp =
      last?.timestamp === null || last?.timestamp === undefined ? null : Number(last.timestamp)
    if (lastTimestamp !== null && timestamp <= lastTimestamp) {
      throw problem('cosignature_stale', {
        en: `This witness last cosigned at time ${lastTimestamp}; a new cosignature must be later (this one is ${timestamp}).`,
        zh: `此见证方上一次副署的时间是 ${lastTimestamp}；新的副署必须晚于它（本次为 ${timestamp}）。`,
      })
    }
    await tx.db
      .insertInto('audit_cosignatures')
      .values({
        client_id: witness.clientId,
        tree_size: input.tree_size,
        root_hash: rootHash,
        timestamp,
        name: key.name,
        line,
        created_at: tx.now.toISOString(),
      })
      .execute()
    return {
      status: 201,
      body: { object: 'cosignature', witness: key.name, tree_size: input.tree_size, timestamp, line },
    }
  })
}

function parseLine(line: string) {
  try {
    const [signature, ...others] = parseSignedNote(`x\n\n${line}\n`).signatures
    if (!signature || others.length > 0) throw new NoteError('one signature line')
    return signature
  } catch (error) {
    throw problem('cosignature_invalid', {
      en: `The cosignature is not a note signature line: ${asClause((error as Error).message)}.`,
      zh: `该副署签名不是有效的 note 签名行：${asClause((error as Error).message)}。`,
    })
  }
}

function parseStamped(bytes: Uint8Array) {
  try {
    return parseTimestampedSignature(bytes)
  } catch (error) {
    throw problem('cosignature_invalid', {
      en: `The cosignature is not an Ed25519 cosignature: ${asClause((error as Error).message)}.`,
      zh: `该副署签名不是 Ed25519 副署签名：${asClause((error as Error).message)}。`,
    })
  }
}

function hex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0')
}
