import { Page } from '../../components/page.js'
import { t } from '../../i18n/i18n.js'

export function DispatchQueuePage(_props: { id?: string }) {
  return <Page title={t('dispatch.title')}>{null}</Page>
}
