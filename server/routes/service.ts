/**
 * Service routes: `GET /` (Qdrant's version probe), liveness and readiness for orchestrators, Prometheus
 * metrics and the OpenAPI document generated from the route schemas.
 */
import type { FastifyInstance } from 'fastify';
import { DitherError } from '../../src/errors.js';
import type { ServerContext } from '../app.js';
import { errorEnvelope } from '../envelope.js';
import type { ServerMetrics } from '../metrics.js';
import { DITHERDB_VERSION, QDRANT_API_VERSION } from '../version.js';

export function registerServiceRoutes(
  app: FastifyInstance,
  ctx: ServerContext,
  metrics: ServerMetrics,
): void {
  app.get(
    '/',
    { schema: { summary: 'Version probe (Qdrant API version and ditherdb version)', tags: ['service'] } },
    async () => ({
      title: 'ditherdb',
      version: QDRANT_API_VERSION,
      ditherdb_version: DITHERDB_VERSION,
    }),
  );

  app.get(
    '/healthz',
    { schema: { summary: 'Liveness (no API key needed)', tags: ['service'] } },
    async () => 'healthz check passed',
  );

  app.get(
    '/readyz',
    { schema: { summary: 'Readiness (no API key needed)', tags: ['service'] } },
    async (_req, reply) => {
      if (ctx.isClosing()) {
        const err = new DitherError('DATABASE_CLOSED', 'Server is shutting down');
        return reply.status(err.status).send(errorEnvelope(err, reply));
      }
      return 'all shards are ready';
    },
  );

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['service'] } },
    async (_req, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );

  app.get(
    '/openapi.json',
    { schema: { summary: 'OpenAPI 3 document of this API', tags: ['service'] } },
    async () => app.swagger(),
  );
}
