import type { paths } from '../generated/openapi.js'

/**
 * Types that read a call's shape out of the generated `paths`: which paths take a method,
 * and each operation's path parameters, query, JSON body and success response. Nothing
 * here is written by hand per endpoint, so a change to the spec is a change to the SDK's
 * types after `pnpm --filter @hejie/sdk generate`.
 */

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete'

/** The paths that have an operation for `M`. */
export type PathsFor<M extends HttpMethod> = {
  [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never
}[keyof paths]

export type Operation<M extends HttpMethod, P extends PathsFor<M>> = NonNullable<paths[P][M]>

type Parameters<Op> = Op extends { parameters: infer Params } ? Params : never

type ParameterKind<Op, K extends 'path' | 'query'> = K extends keyof Parameters<Op>
  ? Parameters<Op>[K]
  : undefined

export type PathParams<Op> = Exclude<ParameterKind<Op, 'path'>, undefined>
export type QueryParams<Op> = Exclude<ParameterKind<Op, 'query'>, undefined>

type JsonContent<T> = T extends { content: { 'application/json': infer Body } } ? Body : undefined

/** The JSON request body; `undefined` in the union when the body may be left out. */
export type RequestBody<Op> = Op extends { requestBody?: infer Body } ? JsonContent<Body> : undefined

type SuccessStatus = 200 | 201 | 202

/** The JSON body of the operation's success response. */
export type ResponseBody<Op> = Op extends { responses: infer Responses }
  ? JsonContent<Responses[SuccessStatus & keyof Responses]>
  : never

/** A member `K: T` that is required, optional or absent as `T` requires. */
type Member<K extends string, T> = [Exclude<T, undefined>] extends [never]
  ? { [Key in K]?: never }
  : undefined extends T
    ? { [Key in K]?: Exclude<T, undefined> }
    : { [Key in K]: T }

/** What a call to `M P` must carry besides its options: `path`, `query` and `body`, as the spec says. */
export type RequestParts<Op> = Member<'path', ParameterKind<Op, 'path'>> &
  Member<'query', ParameterKind<Op, 'query'>> &
  Member<'body', RequestBody<Op>>
