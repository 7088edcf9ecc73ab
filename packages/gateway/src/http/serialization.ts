import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

type SerializerFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']
>
type Serializer = (data: unknown) => string

/** Fastify's own response serializers (fast-json-stringify), built as it builds them. */
const buildSerializers = SerializerSelector()

/**
 * The response serializers built so far in this process, by the shared schemas and options
 * they were built with, then by response schema. Fastify builds one per response of every
 * route of every app, each a generated function whose schema is validated first: about half
 * of the seconds an app takes to become ready. A process that starts several gateways (the
 * test suite starts hundreds) builds each once. Compared by content, as Fastify hands each
 * app its own copies of the schemas; equal schemas build equal serializers.
 */
const serializersBySharedSchemas = new Map<string, Map<string, Serializer>>()

export const serializerFactory: SerializerFactory = (externalSchemas, serializerOptions) => {
  const sharedKey = JSON.stringify([externalSchemas ?? null, serializerOptions ?? null])
  let built = serializersBySharedSchemas.get(sharedKey)
  if (built === undefined) {
    built = new Map()
    serializersBySharedSchemas.set(sharedKey, built)
  }
  const build = buildSerializers(externalSchemas, serializerOptions)
  const serializers = built
  return (route) => {
    const key = JSON.stringify(route.schema)
    let serialize = serializers.get(key)
    if (serialize === undefined) {
      serialize = build(route) as Serializer
      serializers.set(key, serialize)
    }
    return serialize
  }
}
