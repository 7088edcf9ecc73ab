import type { SettlementTerms } from '../../services/confirmations/terms.js'
import { stylesheet } from './stylesheet.js'
import { type PageLanguage, type PageTexts, texts } from './texts.js'

/**
 * The confirmation page's HTML, rendered on the server. Every value that does not come from
 * this file (terms, names, the consumer's comment) goes through `escapeHtml`: text that looks
 * like markup shows as text.
 */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** The link's own path with the language, relative so the page works behind any prefix. */
function languageLink(t: PageTexts): string {
  return `?lang=${t.switchTo}`
}

function layout(lang: PageLanguage, title: string, body: string): string {
  const t = texts[lang]
  return `<!doctype html>
<html lang="${t.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex,nofollow">
<title>${escapeHtml(title)}</title>
<style>${stylesheet}</style>
</head>
<body>
<header><p>${escapeHtml(t.brand)}</p><a href="${languageLink(t)}" lang="${t.switchTo === 'en' ? 'en' : 'zh-CN'}">${escapeHtml(t.switchLabel)}</a></header>
<main>
<div class="card">
<h1>${escapeHtml(title)}</h1>
${body}
</div>
</main>
<footer>${escapeHtml(t.footer)}</footer>
</body>
</html>
`
}

function errorBox(message: string | undefined): string {
  return message ? `<p class="error" role="alert" id="form-error">${escapeHtml(message)}</p>` : ''
}

export function codePage(lang: PageLanguage, proof: string, error?: string): string {
  const t = texts[lang]
  const described = error ? ' aria-describedby="form-error"' : ''
  return layout(
    lang,
    t.codeTitle,
    `<p>${escapeHtml(t.codeIntro)}</p>
${errorBox(error)}<form method="post">
<input type="hidden" name="step" value="code">
<input type="hidden" name="form" value="${escapeHtml(proof)}">
<label for="code">${escapeHtml(t.codeLabel)}</label>
<input class="code" type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus${described}>
<button type="submit">${escapeHtml(t.codeSubmit)}</button>
</form>`,
  )
}

function formatTime(iso: string): string {
  // Asia/Shanghai, as the consumer reads times: 2026-11-28 16:00.
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
}

export interface DecisionDraft {
  decision?: string | undefined
  rating?: string | undefined
  comment?: string | undefined
}

export function decisionPage(
  lang: PageLanguage,
  terms: SettlementTerms,
  proof: string,
  draft: DecisionDraft = {},
  error?: string,
): string {
  const t = texts[lang]
  const rows: [string, string][] = [
    [t.respondent, terms.respondent],
    ...(terms.consumer === null ? [] : [[t.consumer, terms.consumer] as [string, string]]),
    [t.remedy, t.remedies[terms.remedy] ?? terms.remedy],
    ...(terms.amount === null ? [] : [[t.amount, t.yuan(terms.amount)] as [string, string]]),
    [t.terms, terms.terms],
    [t.agreedAt, formatTime(terms.agreed_at)],
  ]
  const radio = (name: string, value: string, label: string) => {
    const id = `${name}-${value}`
    const checked = (draft as Record<string, string | undefined>)[name] === value ? ' checked' : ''
    return `<div class="choice"><input type="radio" id="${id}" name="${name}" value="${value}" required${checked}><label for="${id}">${escapeHtml(label)}</label></div>`
  }
  return layout(
    lang,
    t.decideTitle,
    `<p>${escapeHtml(t.decideIntro)}</p>
<dl>
${rows.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n')}
</dl>
${errorBox(error)}<form method="post">
<input type="hidden" name="step" value="decide">
<input type="hidden" name="form" value="${escapeHtml(proof)}">
<fieldset>
<legend>${escapeHtml(t.decisionLegend)}</legend>
${radio('decision', 'confirmed', t.confirmed)}
${radio('decision', 'rejected', t.rejected)}
</fieldset>
<fieldset>
<legend>${escapeHtml(t.ratingLegend)}</legend>
${radio('rating', 'satisfied', t.satisfied)}
${radio('rating', 'basically_satisfied', t.basically_satisfied)}
${radio('rating', 'dissatisfied', t.dissatisfied)}
</fieldset>
<label for="comment">${escapeHtml(t.commentLabel)}</label>
<textarea id="comment" name="comment" maxlength="500">${escapeHtml(draft.comment ?? '')}</textarea>
<button type="submit">${escapeHtml(t.decideSubmit)}</button>
</form>`,
  )
}

export function donePage(lang: PageLanguage, decision: 'confirmed' | 'rejected'): string {
  const t = texts[lang]
  return layout(
    lang,
    t.doneTitle,
    `<p role="status">${escapeHtml(decision === 'confirmed' ? t.doneConfirmed : t.doneRejected)}</p>`,
  )
}

/** The pages that say why there is nothing to do: each a title and a sentence. */
export type NoticeKind =
  | 'used'
  | 'expired'
  | 'voided'
  | 'unknown'
  | 'forbidden'
  | 'limited'
  | 'error'
  | 'badRequest'

export function noticePage(lang: PageLanguage, kind: NoticeKind): string {
  const t = texts[lang]
  const notices: Record<NoticeKind, [string, string]> = {
    used: [t.usedTitle, t.usedBody],
    expired: [t.expiredTitle, t.expiredBody],
    voided: [t.voidedTitle, t.voidedBody],
    unknown: [t.unknownTitle, t.unknownBody],
    forbidden: [t.forbiddenTitle, t.forbiddenBody],
    limited: [t.limitedTitle, t.limitedBody],
    error: [t.errorTitle, t.errorBody],
    badRequest: [t.errorTitle, t.badRequestBody],
  }
  const [title, body] = notices[kind]
  return layout(lang, title, `<p>${escapeHtml(body)}</p>`)
}
