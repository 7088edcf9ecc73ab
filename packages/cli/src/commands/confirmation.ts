import type { ConfirmationRequest } from '@hejie/sdk'
import type { Command } from 'commander'
import { connect } from '../connection.js'
import { t } from '../i18n/index.js'
import { fields, shanghaiClock } from '../output.js'

function describe(request: ConfirmationRequest): string {
  return [
    fields([
      [t('confirmation.link'), request.url],
      [t('confirmation.code'), request.code ?? t('confirmation.codeHidden')],
      [t('confirmation.expires'), `${shanghaiClock(request.expires_at)} (Asia/Shanghai)`],
      [t('confirmation.request'), request.id],
    ]),
    '',
    t('confirmation.send'),
  ].join('\n')
}

/** `hejie disputes request-confirmation`: a one-time link for the consumer's own 回访. */
export function confirmationCommand(disputes: Command): void {
  disputes
    .command('request-confirmation')
    .description(t('confirmation.description'))
    .argument('<id>', t('disputes.id'))
    .option('--idempotency-key <key>', t('confirmation.idempotencyKey'))
    .option('--json', t('confirmation.json'))
    .addHelpText('after', t('confirmation.after'))
    .action(async (id: string, options: { idempotencyKey?: string; json?: boolean }) => {
      const hejie = await connect()
      const request = await hejie.disputes.requestConfirmation(
        id,
        options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {},
      )
      console.log(options.json ? JSON.stringify(request, null, 2) : describe(request))
    })
}
