import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;

/**
 * fastify's response serializer factory, except for problem bodies. Every
 * route declares about ten problem responses with one shared schema, and
 * compiling a fast-json-stringify function for each made start-up several
 * times slower. Problem bodies are built by `toProblem` in a fixed shape
 * from safe fields only, so plain JSON.stringify is exact for them; success
 * bodies keep the compiled, schema-filtered serializers.
 */
export function buildSerializerFactory(): SerializerFactory {
  const defaults = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = defaults(externalSchemas, options);
    return (route) =>
      (route as { contentType?: string }).contentType === 'application/problem+json'
        ? JSON.stringify
        : compile(route);
  };
}
