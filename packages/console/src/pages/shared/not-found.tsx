import { Page } from '../../components/page.js'
import { t } from '../../i18n/i18n.js'
import { Link } from '../../router.js'

/** What an address outside the caller's reach shows: the API's 404, said plainly. */
export function NotFoundPage() {
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.body')}</p>
      <p>
        <Link to="/">{t('notFound.back')}</Link>
      </p>
    </Page>
  )
}
