/**
 * buildServer: the Fastify application, built apart from listen() so tests drive it with inject() and the
 * CLI decides where it listens. The database is either handed in (the caller owns and closes it) or opened
 * from `dataPath` (the server closes it in its onClose hook, after in-flight requests have finished).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Database } from '../index/database.js';
import { DitherError } from '../src/errors.js';
import { apiKeyHook } from './auth.js';
import { errorEnvelope, toDitherError } from './envelope.js';
import { Limiter } from './limiter.js';
import { installMetrics } from './metrics.js';
import { decodeMsgpack, MSGPACK_TYPES } from './msgpack.js';
import { registerCollectionRoutes } from './routes/collections.js';
import { registerGraphRoutes } from './routes/graph.js';
import { registerKernelRoutes } from './routes/kernels.js';
import { registerModelRoutes } from './routes/models.js';
import { registerPayloadRoutes } from './routes/payload.js';
import { registerPointRoutes } from './routes/points.js';
import { registerSearchRoutes } from './routes/search.js';
import { registerServiceRoutes } from './routes/service.js';
import { registerSignalRoutes } from './routes/signals.js';
import { SHARED_SCHEMAS } from './schemas.js';
import { DITHERDB_VERSION } from './version.js';

/** 32 MiB: a 10 000 × 784 float batch is ≈ 31 MB as msgpack float32 and ≈ 100+ MB as JSON. */
export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

export interface ServerOptions {
  /** An open database; the caller keeps ownership and closes it. */
  database?: Database;
  /** A folder to open (created if missing) and close when the server closes. */
  dataPath?: string;
  /** When set, every route but /healthz and /readyz requires this key. */
  apiKey?: string;
  /** Largest request body in bytes (413 beyond). Default 32 MiB. */
  bodyLimit?: number;
  /** Fastify/pino logger options; default off (the CLI turns it on). */
  logger?: FastifyServerOptions['logger'];
  /** Serve /docs (Swagger UI). Default true. */
  docs?: boolean;
  /** Also export Node process metrics (CPU, heap, event loop) on /metrics. Default false. */
  processMetrics?: boolean;
  /** Searches run at once; more requests queue (server/limiter.ts says why). Default 2. */
  searchConcurrency?: number;
}

export const DEFAULT_SEARCH_CONCURRENCY = 2;

/** Per-server state the routes share. */
export interface ServerContext {
  db: Database;
  /** Qdrant returns a sequence number per update; ours counts updates since start. */
  nextOperationId(): number;
  /** True once close() has begun: /readyz turns 503 so load balancers stop routing here. */
  isClosing(): boolean;
  /** Bounds the searches in flight. */
  searches: Limiter;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  if ((options.database === undefined) === (options.dataPath === undefined)) {
    throw new DitherError('INVALID_ARGUMENT', 'buildServer: give exactly one of database or dataPath');
  }
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit <= 0) {
    throw new DitherError('INVALID_ARGUMENT', `bodyLimit must be a positive integer, got ${bodyLimit}`);
  }
  const searchConcurrency = options.searchConcurrency ?? DEFAULT_SEARCH_CONCURRENCY;
  if (!Number.isSafeInteger(searchConcurrency) || searchConcurrency < 1) {
    throw new DitherError(
      'INVALID_ARGUMENT',
      `searchConcurrency must be a positive integer, got ${searchConcurrency}`,
    );
  }
  if (options.apiKey !== undefined && options.apiKey.length === 0) {
    throw new DitherError('INVALID_ARGUMENT', 'apiKey must not be empty');
  }

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    requestIdHeader: 'x-request-id',
    ajv: {
      customOptions: {
        // Fastify's defaults would drop unknown keys (removeAdditional) and turn "5" into 5 (coerceTypes);
        // a Qdrant-compatible API must reject both, so the client learns its request was not understood.
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
      },
    },
  });

  const db = options.database ?? (await openDatabase(options.dataPath as string));
  let operationId = 0;
  let closing = false;
  const ctx: ServerContext = {
    db,
    nextOperationId: () => ++operationId,
    isClosing: () => closing,
    searches: new Limiter(searchConcurrency),
  };

  app.addHook('preClose', async () => {
    closing = true;
  });
  if (options.database === undefined) {
    app.addHook('onClose', async () => {
      await db.close();
    });
  }

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });

  app.addContentTypeParser(
    MSGPACK_TYPES as unknown as string[],
    { parseAs: 'buffer' },
    (_req, body, done) => {
      try {
        done(null, decodeMsgpack(body as Buffer));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );

  app.setErrorHandler((err, request, reply) => {
    const de = toDitherError(err);
    if (de.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: de.code }, de.message);
    reply.status(de.status).send(errorEnvelope(de, reply));
  });
  app.setNotFoundHandler((request, reply) => {
    const de = new DitherError(
      'ROUTE_NOT_FOUND',
      `No route ${request.method} ${request.url.split('?', 1)[0]}`,
    );
    reply.status(de.status).send(errorEnvelope(de, reply));
  });

  if (options.apiKey !== undefined) app.addHook('onRequest', apiKeyHook(options.apiKey));
  const metrics = installMetrics(app, { defaultMetrics: options.processMetrics ?? false });

  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ditherdb',
        version: DITHERDB_VERSION,
        description: 'Qdrant-compatible REST API (v1.18 core) over dithered low-bit vector codes.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'api-key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      ...(options.apiKey !== undefined ? { security: [{ apiKey: [] }, { bearer: [] }] } : {}),
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}`,
    },
  });
  if (options.docs ?? true) await app.register(swaggerUi, { routePrefix: '/docs' });

  registerServiceRoutes(app, ctx, metrics);
  registerCollectionRoutes(app, ctx);
  registerPointRoutes(app, ctx);
  registerPayloadRoutes(app, ctx);
  registerSearchRoutes(app, ctx);
  registerSignalRoutes(app);
  registerModelRoutes(app, ctx);
  registerKernelRoutes(app, ctx);
  registerGraphRoutes(app, ctx);

  await app.ready();
  return app;
}

/** Imported lazily: a server built around a caller's Database needs only its type from that module. */
async function openDatabase(path: string): Promise<Database> {
  const { Database } = await import('../index/database.js');
  return Database.open(path);
}
