import { Page } from '../../components/page.js'
import { t } from '../../i18n/i18n.js'

export function WebhooksPage(_props: { id?: string }) {
  return <Page title={t('webhooks.title')}>{null}</Page>
}

export function WebhookEndpointPage(_props: { id?: string }) {
  return <Page title={t('webhooks.title')}>{null}</Page>
}
