/**
 * Kernel routes (index/kernels over src/kernels): kernel density, softmax attention and kernel matrix–vector
 * products against a collection's stored vectors, with weights and values read from payloads.
 *
 * Bodies are checked for shape here (types, unknown keys, the method and kernel names → 400). Ranges are the
 * library's to reject, so each bad value gets its own code, all 400: bandwidth, temperature, epsilon ≤ 0 →
 * INVALID_ARGUMENT; a query of the wrong length → DIMENSION_MISMATCH; more than MAX_KERNEL_QUERIES queries →
 * BATCH_TOO_LARGE; a payload key missing from some point or not numeric → PAYLOAD_KEY_INVALID. A missing
 * collection is COLLECTION_NOT_FOUND (404). Requests share the search limiter: each is CPU-bound work on the
 * event loop, as a search is.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { attentionOf, kernelDensityOf, kernelMatVecOf } from '../../index/kernels/index.js';
import type { ServerContext } from '../app.js';
import { ok } from '../envelope.js';
import { CollectionNameParams } from '../schemas.js';

const closed = { additionalProperties: false } as const;

const Queries = Type.Array(Type.Array(Type.Number()), {
  description: 'Query vectors (at most 256 per request; more is BATCH_TOO_LARGE)',
});
const Kernel = Type.Object(
  {
    type: Type.Union([Type.Literal('gaussian'), Type.Literal('laplacian'), Type.Literal('exponential')]),
    bandwidth: Type.Number({
      description: 'σ for gaussian/laplacian, temperature τ for exponential; > 0',
    }),
  },
  closed,
);
const Seed = Type.Optional(Type.Integer({ description: 'Seed of the sampling randomness' }));
const Neighbours = Type.Optional(
  Type.Integer({ description: 'Points found through the index and summed exactly (default 64)' }),
);

const DensityBody = Type.Object(
  {
    queries: Queries,
    kernel: Kernel,
    method: Type.Union([
      Type.Literal('exact'),
      Type.Literal('sampling'),
      Type.Literal('ann'),
      Type.Literal('coreset'),
    ]),
    epsilon: Type.Optional(
      Type.Number({ description: 'sampling/ann: target relative standard error (0.05)' }),
    ),
    weight_key: Type.Optional(Type.String({ description: 'Numeric payload key of the weights (default 1)' })),
    samples: Type.Optional(
      Type.Integer({ description: 'sampling/ann: fixed sample size instead of epsilon' }),
    ),
    neighbours: Neighbours,
    seed: Seed,
  },
  closed,
);

const AttentionBody = Type.Object(
  {
    queries: Queries,
    value_key: Type.String({ description: 'Payload key of the values: a number or a numeric array' }),
    temperature: Type.Number({ description: 'τ in e^{⟨q,x⟩/τ}; > 0' }),
    method: Type.Union([Type.Literal('exact'), Type.Literal('sampling'), Type.Literal('coreset')]),
    samples: Type.Optional(Type.Integer({ description: 'sampling: rows drawn (default 1024)' })),
    seed: Seed,
  },
  closed,
);

const MatVecBody = Type.Object(
  {
    queries: Queries,
    kernel: Kernel,
    weight_key: Type.String({ description: 'Numeric payload key of w' }),
    epsilon: Type.Number({ description: 'Target ‖y − Kw‖₂ ≤ ε‖w‖₂' }),
    failure_probability: Type.Optional(Type.Number({ description: 'δ of the ε target (default 0.1)' })),
    neighbours: Neighbours,
    seed: Seed,
  },
  closed,
);

type NameParams = Static<typeof CollectionNameParams>;

export function registerKernelRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const tags = ['kernels'];

  app.post(
    '/collections/:name/kernel/density',
    {
      schema: {
        summary: 'Kernel density (1/n) Σ_j w_j k(q, x_j) per query, with error estimates',
        tags,
        params: CollectionNameParams,
        body: DensityBody,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const body = req.body as Static<typeof DensityBody>;
      const collection = ctx.db.collection(name);
      const result = await ctx.searches.run(() =>
        kernelDensityOf(collection, {
          queries: body.queries,
          kernel: body.kernel,
          method: body.method,
          ...(body.epsilon === undefined ? {} : { epsilon: body.epsilon }),
          ...(body.weight_key === undefined ? {} : { weightKey: body.weight_key }),
          ...(body.samples === undefined ? {} : { samples: body.samples }),
          ...(body.neighbours === undefined ? {} : { neighbours: body.neighbours }),
          ...(body.seed === undefined ? {} : { seed: body.seed }),
        }),
      );
      return ok(reply, result);
    },
  );

  app.post(
    '/collections/:name/kernel/attention',
    {
      schema: {
        summary: 'Softmax attention Σ_j e^{⟨q,x_j⟩/τ} v_j / Σ_j e^{⟨q,x_j⟩/τ} over payload values',
        tags,
        params: CollectionNameParams,
        body: AttentionBody,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const body = req.body as Static<typeof AttentionBody>;
      const collection = ctx.db.collection(name);
      const result = await ctx.searches.run(() =>
        attentionOf(collection, {
          queries: body.queries,
          valueKey: body.value_key,
          temperature: body.temperature,
          method: body.method,
          ...(body.samples === undefined ? {} : { samples: body.samples }),
          ...(body.seed === undefined ? {} : { seed: body.seed }),
        }),
      );
      return ok(reply, result);
    },
  );

  app.post(
    '/collections/:name/kernel/matvec',
    {
      schema: {
        summary: 'Kernel matrix–vector product y = K w for a batch of queries, to ε‖w‖₂',
        tags,
        params: CollectionNameParams,
        body: MatVecBody,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const body = req.body as Static<typeof MatVecBody>;
      const collection = ctx.db.collection(name);
      const result = await ctx.searches.run(() =>
        kernelMatVecOf(collection, {
          queries: body.queries,
          kernel: body.kernel,
          weightKey: body.weight_key,
          epsilon: body.epsilon,
          ...(body.failure_probability === undefined ? {} : { failureProbability: body.failure_probability }),
          ...(body.neighbours === undefined ? {} : { neighbours: body.neighbours }),
          ...(body.seed === undefined ? {} : { seed: body.seed }),
        }),
      );
      return ok(reply, result);
    },
  );
}
