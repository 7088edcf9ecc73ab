import { readFile, stat } from 'node:fs/promises'
import { ConflictError, type Hejie, readWitnessKey, type WitnessKey, WitnessKeyError } from '@hejie/sdk'
import { type Command, Option } from 'commander'
import { connect } from '../connection.js'
import { credentialsFor } from '../credentials.js'
import { t } from '../i18n/index.js'
import {
  followExitCodes,
  LogAlarm,
  readHead,
  relationTo,
  rounds,
  StateFolder,
  type TreeHead,
  verifyHead,
} from './audit-follow.js'
import { witnessKeygenCommand } from './audit-witness-keygen.js'
import { duration } from './options.js'

/** The `format` of a witness's `checkpoint.json`. */
const WITNESS_STATE_FORMAT = 'hejie-witness-state/1'

interface WitnessOptions {
  gateway?: string
  key?: string
  state?: string
  once?: boolean
  interval: number
}

async function witnessKey(file: string): Promise<WitnessKey> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new Error(`Cannot read the witness key ${file}: ${(error as Error).message}`)
  }
  if (((await stat(file)).mode & 0o077) !== 0) {
    console.error(`hejie: warning: ${file} can be read by others; \`chmod 600 ${file}\`.`)
  }
  try {
    return readWitnessKey(text)
  } catch (error) {
    if (error instanceof WitnessKeyError) throw new Error(`${file} is not a witness key: ${error.message}.`)
    throw error
  }
}

/**
 * One round of the witness: the gateway's checkpoint note, verified with the pinned log
 * keys, shown consistent with the checkpoint cosigned last, is cosigned with a time later
 * than the last one, kept in the state folder, then submitted. Anything inconsistent raises
 * an alarm and nothing is signed.
 */
async function witnessRound(hejie: Hejie, key: WitnessKey, state: StateFolder, gateway: string) {
  const [listed, note] = await Promise.all([hejie.audit.noteKeys(), hejie.audit.checkpointNote()])
  const last = await state.last()
  let current: TreeHead | undefined
  let relation: Awaited<ReturnType<typeof relationTo>>['relation']
  try {
    current = readHead(note)
    const keys = await state.logKeys(listed.data, (text) => console.error(text))
    current = verifyHead(note, keys).head
    relation = (await relationTo(hejie, last, current)).relation
  } catch (error) {
    if (!(error instanceof LogAlarm)) throw error
    throw await state.keepEvidence(
      new LogAlarm(error.kind, `${error.message}\nRefusing to cosign.`, error.evidence),
      last,
      { note, head: current, fetched_from: gateway },
    )
  }
  // Strictly later than the last cosignature, even if the clock went back.
  const timestamp = Math.max(Math.floor(Date.now() / 1000), (last?.timestamp ?? 0) + 1)
  const cosignature = key.cosign(note, timestamp)
  // Kept before it is sent: what this witness signed is what it checks the next round against.
  await state.accept({
    ...current,
    note: `${noteWithout(note, key)}${cosignature}\n`,
    cosignature,
    timestamp,
  })
  try {
    await hejie.audit.cosign({ tree_size: current.tree_size, cosignature })
  } catch (error) {
    if (error instanceof ConflictError && error.code === 'cosignature_stale') {
      throw new Error(
        `${error.message} The gateway holds a later cosignature of this witness than ${state.path('checkpoint.json')} records: is another witness running with this key, or was the state folder replaced?`,
      )
    }
    throw error
  }
  const why = {
    first: 'the first checkpoint this witness sees (trusted on first use)',
    same: `the same checkpoint as cosigned before`,
    extends: `it extends size ${last?.tree_size} (root ${last?.root_hash}), cosigned before`,
  }[relation]
  console.log(`Cosigned size ${current.tree_size}, root ${current.root_hash}, time ${timestamp}: ${why}.`)
}

/** The note without this witness's own earlier cosignature lines. */
function noteWithout(note: string, key: WitnessKey): string {
  return note
    .split('\n')
    .filter((line) => !line.startsWith(`— ${key.name} `))
    .join('\n')
}

export function witnessCommand(audit: Command): void {
  const witness = audit
    .command('witness')
    .description(t('witness.description'))
    .option('--gateway <url>', "the gateway (default: the credentials' gateway)")
    .option('--key <file>', 'the private key from `hejie audit witness keygen`')
    .option(
      '--state <dir>',
      'where the witness keeps the last checkpoint it cosigned and the pinned log keys',
    )
    .option('--once', 'one round, then exit')
    .addOption(
      new Option('--interval <duration>', 'time between rounds, e.g. 30s, 5m')
        .argParser(duration)
        .default(30, '30s'),
    )
    .addHelpText(
      'after',
      `
Runs with a witness client's credentials (\`hejie login\`, or HEJIE_CLIENT_ID and
HEJIE_CLIENT_SECRET). Each round it fetches the checkpoint note and the log's keys, and:

  1. verifies the note's signature with the log keys pinned in <dir>/log-keys.json (pinned on
     the first round; a new key is pinned only while the gateway still lists a pinned one);
  2. checks that the checkpoint extends the one cosigned last (<dir>/checkpoint.json): the
     same size and root, or a larger tree with a consistency proof that verifies;
  3. cosigns it with the current time (later than the last cosignature), keeps it in <dir>,
     and submits it to the gateway.

Anything else is an alarm: it cosigns nothing, keeps both checkpoints in
<dir>/conflict-<time>/, names the sizes and roots, and exits 3. Keep <dir> (it is this
witness's memory) and run one witness per folder.
${followExitCodes}

Examples:
  hejie audit witness keygen --name auditor.example/w1 --out witness.key
  hejie audit witness --gateway https://odr.example.gov.cn --key witness.key --state ./witness --once
  hejie audit witness --key witness.key --state ./witness --interval 1m`,
    )
    .action(async (options: WitnessOptions) => {
      if (!options.key || !options.state) {
        throw new Error('hejie audit witness needs --key <file> and --state <dir> (see --help).')
      }
      const key = await witnessKey(options.key)
      const credentials = await credentialsFor(options.gateway)
      const hejie = await connect(credentials)
      const me = await hejie.me()
      if (me.role !== 'witness') {
        throw new Error(
          `These credentials are a ${me.role} client's; a witness cosigns with a witness client's, registered with the verifier key ${key.verifierKey}.`,
        )
      }
      const state = new StateFolder(options.state, WITNESS_STATE_FORMAT)
      await state.open()
      if (!options.once) console.error(`Witnessing ${credentials.baseUrl} as ${key.name}; Ctrl-C to stop.`)
      await rounds({
        once: Boolean(options.once),
        intervalSeconds: options.interval,
        round: () => witnessRound(hejie, key, state, credentials.baseUrl),
      })
    })
  witnessKeygenCommand(witness)
}
