import { Page } from '../../components/page.js'
import { t } from '../../i18n/i18n.js'

export function DisputePage(_props: { id?: string }) {
  return <Page title={t('dispute.timeline')}>{null}</Page>
}
