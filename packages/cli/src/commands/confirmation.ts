import type { ConfirmationRequest } from '@hejie/sdk'
import type { Command } from 'commander'
import { connect } from '../connection.js'
import { shanghaiClock } from '../output.js'

function describe(request: ConfirmationRequest): string {
  return [
    `Link     ${request.url}`,
    `Code     ${request.code ?? '(shown only when the link was made)'}`,
    `Expires  ${shanghaiClock(request.expires_at)} (Asia/Shanghai)`,
    `Request  ${request.id}`,
    '',
    'Send the link to the consumer (Hejie sends no SMS); give the code by another way if you can.',
  ].join('\n')
}

/** `hejie disputes request-confirmation`: a one-time link for the consumer's own 回访. */
export function confirmationCommand(disputes: Command): void {
  disputes
    .command('request-confirmation')
    .description(
      'ask the consumer to confirm the settlement: a one-time link and a 6-digit code (assignee, regulators)',
    )
    .argument('<id>', 'the dispute id (dsp_…)')
    .option(
      '--idempotency-key <key>',
      'repeat safely: the same key answers the same link (without the code) for 24 h',
    )
    .option('--json', 'print the request as JSON, as the API returns it')
    .addHelpText(
      'after',
      '\nThe dispute must have a settlement (status settled, or closed as settled). A newer link\n' +
        'voids the older one. The consumer opens the link, enters the code, and confirms or rejects\n' +
        'the settlement with a rating; settlement.confirmed or settlement.rejected follows.\n' +
        'See docs/confirmation.md.',
    )
    .action(async (id: string, options: { idempotencyKey?: string; json?: boolean }) => {
      const hejie = await connect()
      const request = await hejie.disputes.requestConfirmation(
        id,
        options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {},
      )
      console.log(options.json ? JSON.stringify(request, null, 2) : describe(request))
    })
}
