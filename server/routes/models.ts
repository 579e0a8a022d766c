/**
 * Model routes (index/models over src/krr): kernel ridge regression and classification models trained on a
 * collection's vectors against a payload key, then used for predictions.
 *
 * POST /collections/{name}/models answers 202 as soon as the training set is read and the model is recorded
 * as training; training runs on a worker thread, so every other route keeps answering meanwhile. Poll
 * GET .../models/{model} for `progress` and `status`. Shapes are checked here (types, unknown keys → 400);
 * values by the library: a bad spec is INVALID_ARGUMENT, a target key no point carries PAYLOAD_KEY_INVALID
 * (400), a taken name MODEL_EXISTS (409), an unknown model MODEL_NOT_FOUND (404), predicting with a model
 * that is training or failed MODEL_NOT_READY (409), a vector of the wrong length DIMENSION_MISMATCH (400).
 * On close the server cancels trainings still running; they are recorded as failed.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  cancelAllTraining,
  deleteModel,
  getModel,
  listModels,
  type ModelInfo,
  predictWith,
  startTraining,
} from '../../index/models/index.js';
import type { ServerContext } from '../app.js';
import { ok } from '../envelope.js';
import { CollectionNameParams, PointIdSchema } from '../schemas.js';

const closed = { additionalProperties: false } as const;

const FeaturesSchema = Type.Object(
  {
    type: Type.Union([
      Type.Literal('rff'),
      Type.Literal('leverage_rff'),
      Type.Literal('binning'),
      Type.Literal('exact'),
    ]),
    count: Type.Optional(Type.Integer({ description: 'Features D (1 … 65 536); not used by exact' })),
    kernel: Type.Union([Type.Literal('gaussian'), Type.Literal('laplacian'), Type.Literal('matern')]),
    bandwidth: Type.Number({ description: 'σ (gaussian, laplacian) or the Matérn length scale; > 0' }),
    nu: Type.Optional(Type.Number({ description: 'Matérn smoothness: 0.5, 1.5 or 2.5' })),
  },
  closed,
);

const ModelSpecBody = Type.Object(
  {
    name: Type.String({ description: 'Model name, unique in the collection (1 … 255 characters)' }),
    target_key: Type.String({
      description: 'Top-level payload key of the targets; points without it are skipped',
    }),
    task: Type.Union([Type.Literal('regression'), Type.Literal('classification')]),
    features: FeaturesSchema,
    lambda: Type.Union([Type.Number(), Type.Literal('auto')], {
      description: "Ridge λ > 0, or 'auto' for 5-fold selection",
    }),
  },
  closed,
);

const PredictBody = Type.Object(
  {
    vectors: Type.Optional(Type.Array(Type.Array(Type.Number()), { description: 'Input vectors' })),
    ids: Type.Optional(Type.Array(PointIdSchema, { description: 'Stored points whose vectors are used' })),
  },
  { ...closed, description: 'Exactly one of vectors or ids (at most 10 000 rows)' },
);

const ModelParams = Type.Object(
  { name: Type.String({ minLength: 1 }), model: Type.String({ minLength: 1 }) },
  closed,
);

type NameParams = Static<typeof CollectionNameParams>;
type ModelParamsT = Static<typeof ModelParams>;

/** The record as the API shows it: the collection-side fields, without internal bookkeeping. */
function view(info: ModelInfo) {
  return {
    name: info.name,
    status: info.status,
    progress: info.progress,
    spec: info.spec,
    created_at: info.created_at,
    ...(info.trained_at === undefined ? {} : { trained_at: info.trained_at }),
    ...(info.error === undefined ? {} : { error: info.error, error_code: info.error_code }),
    ...(info.metrics === undefined ? {} : { metrics: info.metrics }),
  };
}

export function registerModelRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const tags = ['models'];

  app.addHook('preClose', async () => {
    // A training thread would otherwise keep the process alive and then write into a closing database.
    await cancelAllTraining(ctx.db, 'the server closed while the model trained').catch(() => undefined);
  });

  app.post(
    '/collections/:name/models',
    {
      schema: {
        summary: 'Start training a kernel ridge regression/classification model (answers 202 at once)',
        tags,
        params: CollectionNameParams,
        body: ModelSpecBody,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const collection = ctx.db.collection(name);
      const info = await startTraining(collection, req.body);
      reply.code(202);
      return ok(reply, { name: info.name, status: info.status });
    },
  );

  app.get(
    '/collections/:name/models',
    { schema: { summary: 'List the models of a collection', tags, params: CollectionNameParams } },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const models = await listModels(ctx.db.collection(name));
      return ok(reply, { models: models.map(view) });
    },
  );

  app.get(
    '/collections/:name/models/:model',
    { schema: { summary: 'Status, progress, spec and metrics of a model', tags, params: ModelParams } },
    async (req, reply) => {
      const { name, model } = req.params as ModelParamsT;
      return ok(reply, view(await getModel(ctx.db.collection(name), model)));
    },
  );

  app.post(
    '/collections/:name/models/:model/predict',
    {
      schema: {
        summary: 'Predict numbers (regression) or labels (classification) for vectors or stored points',
        tags,
        params: ModelParams,
        body: PredictBody,
      },
    },
    async (req, reply) => {
      const { name, model } = req.params as ModelParamsT;
      const body = req.body as Static<typeof PredictBody>;
      const collection = ctx.db.collection(name);
      const input =
        body.ids !== undefined && body.vectors === undefined
          ? { ids: body.ids }
          : { vectors: body.vectors as number[][], ...(body.ids === undefined ? {} : { ids: body.ids }) };
      // Scoring is CPU work on the event loop, as a search is: it shares the search limiter.
      const predictions = await ctx.searches.run(() => predictWith(collection, model, input));
      return ok(reply, { predictions });
    },
  );

  app.delete(
    '/collections/:name/models/:model',
    { schema: { summary: 'Delete a model (cancels its training if running)', tags, params: ModelParams } },
    async (req, reply) => {
      const { name, model } = req.params as ModelParamsT;
      await deleteModel(ctx.db.collection(name), model);
      return ok(reply, true);
    },
  );
}
