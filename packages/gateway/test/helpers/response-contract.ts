import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

/**
 * Checks a response against the committed contract (`openapi/hejie.openapi.json`): its status
 * must be one the operation declares, its media type the declared one, and its JSON body must
 * match the declared schema. Every response a test receives through the shared helpers goes
 * through here, so a route that answers something its spec does not say fails the test that
 * saw it.
 */
const spec = JSON.parse(
  readFileSync(new URL('../../../../openapi/hejie.openapi.json', import.meta.url), 'utf8'),
) as { paths: Record<string, Record<string, Operation>> }

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>
}

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true })
addFormats.default(ajv)
ajv.addSchema(spec, 'spec')

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')

const templates = Object.keys(spec.paths).map((template) => ({
  template,
  matcher: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
}))

const validators = new Map<string, ReturnType<typeof ajv.compile>>()
function validatorFor(ref: string) {
  let validate = validators.get(ref)
  if (!validate) {
    validate = ajv.compile({ $ref: ref })
    validators.set(ref, validate)
  }
  return validate
}

export interface ObservedResponse {
  method: string
  url: string
  status: number
  contentType: string | undefined
  body: string | undefined
}

/** What is wrong with a response by the contract, or undefined when nothing is. */
export function contractViolation(response: ObservedResponse): string | undefined {
  const method = response.method.toLowerCase()
  const path = (response.url.split('?')[0] ?? '').replace(/\/+$/, '') || '/'
  const label = `${response.method} ${path} answered ${response.status}`
  const template = templates.find(({ matcher }) => matcher.test(path))?.template
  const operation = template ? spec.paths[template]?.[method] : undefined
  const problem = response.contentType?.startsWith('application/problem+json')
  if (!operation) {
    // Not an operation of the contract (a route a test adds, an unknown path, another
    // method): its errors must still be problems.
    // The console's pages answer HTML, errors included (API.md, "Hardening rules").
    const consolePage = path.startsWith('/console') && response.contentType?.startsWith('text/html')
    if (
      response.status >= 400 &&
      !problem &&
      template === undefined &&
      !path.startsWith('/test/') &&
      !consolePage
    ) {
      return `${label} with ${response.contentType}, not a problem`
    }
    if (problem) return bodyViolation(label, 'spec#/components/schemas/Problem', response.body)
    return undefined
  }
  if (method === 'head') return undefined
  const declared = operation.responses[String(response.status)] ?? operation.responses.default
  if (!declared) {
    return `${label}, a status the contract does not declare (it declares ${Object.keys(operation.responses).join(', ')})`
  }
  const mediaTypes = Object.keys(declared.content ?? {})
  if (mediaTypes.length === 0) return undefined
  const mediaType = (response.contentType ?? '').split(';')[0]?.trim() ?? ''
  if (!mediaTypes.includes(mediaType)) {
    return `${label} as ${mediaType || 'nothing'}; the contract says ${mediaTypes.join(' or ')}`
  }
  if (!mediaType.includes('json') || mediaType.includes('ndjson')) return undefined
  const schema = declared.content?.[mediaType]?.schema
  if (schema === undefined) return undefined
  return bodyViolation(
    label,
    `spec#/${pointer('paths', template ?? '', method, 'responses', String(response.status) in operation.responses ? String(response.status) : 'default', 'content', mediaType, 'schema')}`,
    response.body,
  )
}

function bodyViolation(label: string, ref: string, body: string | undefined): string | undefined {
  let value: unknown
  try {
    value = JSON.parse(body ?? '')
  } catch {
    return `${label} with a body that is not JSON: ${(body ?? '').slice(0, 200)}`
  }
  const validate = validatorFor(ref)
  if (validate(value)) return undefined
  return `${label} with a body that does not match its schema: ${ajv.errorsText(validate.errors)}; body ${JSON.stringify(value).slice(0, 500)}`
}

/**
 * The body of a response received over HTTP from a gateway in another process, checked
 * against the contract like every response of an in-process app: a violation throws.
 */
export async function contractCheckedBody(
  method: string,
  url: string | URL,
  response: Response,
): Promise<string> {
  const body = await response.text()
  const { pathname, search } = new URL(url, 'http://gateway')
  const violation = contractViolation({
    method,
    url: pathname + search,
    status: response.status,
    contentType: response.headers.get('content-type') ?? undefined,
    body,
  })
  if (violation) throw new ContractViolation(violation)
  return body
}

/** A response the contract does not allow: never to be mistaken for a failed connection. */
export class ContractViolation extends Error {
  constructor(violation: string) {
    super(`a response the contract does not allow:\n${violation}`)
  }
}
