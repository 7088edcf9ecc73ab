import { writeFile } from 'node:fs/promises'
import { generateWitnessKey, WitnessKeyError } from '@hejie/sdk'
import type { Command } from 'commander'

interface KeygenOptions {
  name: string
  out: string
}

/** `hejie audit witness keygen`: a new Ed25519 witness key, its private half to a file. */
export function witnessKeygenCommand(witness: Command): void {
  witness
    .command('keygen')
    .description("make a witness's Ed25519 key: the private key to a file, the verifier key printed")
    .requiredOption('--name <name>', 'the key name, e.g. auditor.example/w1 (no spaces, no "+")')
    .requiredOption('--out <file>', 'where to write the private key (mode 0600; never overwritten)')
    .addHelpText(
      'after',
      `
The private key file is one line in the format of Go's golang.org/x/mod/sumdb/note, with
the Ed25519 cosignature type 0x04 (c2sp.org/tlog-cosignature):

  PRIVATE+KEY+<name>+<8 hex key id>+base64(0x04 ‖ 32-byte seed)

Standard output gets the verifier key, <name>+<key id>+base64(0x04 ‖ public key): give it
to the gateway's operator, who registers a witness client with it. Keep the private key
where only the witness runs; anyone who holds it can cosign in the witness's name.

Example:
  hejie audit witness keygen --name auditor.example/w1 --out witness.key`,
    )
    .action(async (options: KeygenOptions) => {
      let pair: ReturnType<typeof generateWitnessKey>
      try {
        pair = generateWitnessKey(options.name)
      } catch (error) {
        if (error instanceof WitnessKeyError) throw new Error(`--name ${options.name}: ${error.message}.`)
        throw error
      }
      try {
        // "wx": never over an existing key, which may be registered already.
        await writeFile(options.out, `${pair.privateKey}\n`, { mode: 0o600, flag: 'wx' })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new Error(`${options.out} exists: a witness key is never overwritten. Choose another --out.`)
        }
        throw new Error(`Cannot write ${options.out}: ${(error as Error).message}`)
      }
      console.log(pair.verifierKey)
      console.error(
        `Private key written to ${options.out} (mode 0600). Give the verifier key above to the gateway's operator, who registers a witness client with it (hejie-gateway clients create --role witness --name <name> --witness-key <verifier key>); then run \`hejie audit witness --key ${options.out} --state <dir>\` with that client's credentials.`,
      )
    })
}
