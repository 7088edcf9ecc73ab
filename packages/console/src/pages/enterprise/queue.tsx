import { get } from '../../api/client.js'
import type { Dispute, List } from '../../api/types.js'
import { byUrgency, DisputeTable } from '../../components/dispute-table.js'
import { Page, Section } from '../../components/page.js'
import { Loading, ProblemNotice } from '../../components/problem.js'
import { useLoad } from '../../components/use-load.js'
import { t } from '../../i18n/i18n.js'
import { session } from '../../session/session.js'

/** The holder's work: overdue first, then new, in progress, and settled awaiting the outcome. */
async function loadQueue() {
  const list = (query: Record<string, string | boolean>) =>
    get<List<Dispute>>('/disputes', { limit: 100, ...query }).then((l) => byUrgency(l.data))
  const [overdue, fresh, inProgress, settled] = await Promise.all([
    list({ overdue: true }),
    list({ status: 'assigned', overdue: false }),
    list({ status: 'in_progress', overdue: false }),
    list({ status: 'settled' }),
  ])
  return { overdue, fresh, inProgress, settled }
}

export function QueuePage() {
  const enterprise = session()?.principal.role === 'enterprise'
  const queue = useLoad(loadQueue, [])
  return (
    <Page title={t('queue.title')}>
      <ProblemNotice error={queue.error} />
      {queue.data ? (
        <>
          <Section title={`${t('queue.overdue')}（${queue.data.overdue.length}）`}>
            <DisputeTable
              caption={t('queue.overdue')}
              hideCaption
              withoutRespondent={enterprise}
              disputes={queue.data.overdue}
            />
          </Section>
          <Section title={`${t('queue.new')}（${queue.data.fresh.length}）`}>
            <DisputeTable
              caption={t('queue.new')}
              hideCaption
              withoutRespondent={enterprise}
              disputes={queue.data.fresh}
            />
          </Section>
          <Section title={`${t('queue.inProgress')}（${queue.data.inProgress.length}）`}>
            <DisputeTable
              caption={t('queue.inProgress')}
              hideCaption
              withoutRespondent={enterprise}
              disputes={queue.data.inProgress}
            />
          </Section>
          <Section title={`${t('queue.settled')}（${queue.data.settled.length}）`}>
            <DisputeTable
              caption={t('queue.settled')}
              hideCaption
              withoutRespondent={enterprise}
              disputes={queue.data.settled}
            />
          </Section>
        </>
      ) : queue.loading ? (
        <Loading />
      ) : null}
    </Page>
  )
}
