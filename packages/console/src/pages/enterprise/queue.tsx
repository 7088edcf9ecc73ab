import { Page } from '../../components/page.js'
import { t } from '../../i18n/i18n.js'

export function QueuePage(_props: { id?: string }) {
  return <Page title={t('queue.title')}>{null}</Page>
}
