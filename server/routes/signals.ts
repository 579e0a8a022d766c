/**
 * Signal routes (src/signal): universal sample plans and Fourier-constrained reconstruction of 1-D signals.
 * They translate JSON to the library and back; the library validates priors and samples (INVALID_PRIOR,
 * NON_FINITE_VALUE, INVALID_ARGUMENT → 400).
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { assertArg } from '../../src/errors.js';
import {
  impliedSampleCount,
  reconstructSignal,
  statisticalDimension,
  universalSamplingTimes,
} from '../../src/signal/index.js';
import { ok } from '../envelope.js';

const closed = { additionalProperties: false } as const;
/** Priors are checked by the library (normalizePrior), which names the offending field. */
const Prior = Type.Object(
  {},
  { additionalProperties: true, description: 'bandlimited | multiband | gaussian | cauchy' },
);

/** Evaluation points per reconstruct request: O(q) each, so the bound keeps a request's cost bounded. */
export const MAX_EVALUATION_POINTS = 100_000;

const SamplePlanBody = Type.Object(
  {
    T: Type.Number({ description: 'Length of the interval [0, T]' }),
    count: Type.Optional(Type.Integer({ minimum: 1, description: 'Samples; default ⌈8·s⌉' })),
    statistical_dimension: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    prior: Type.Optional(Prior),
    lambda: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'Ridge λ, to compute s from the prior' }),
    ),
    seed: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  closed,
);

const ReconstructBody = Type.Object(
  {
    T: Type.Number(),
    // Emptiness is the library's to reject (INVALID_ARGUMENT, 400), as the issue asks for empty samples.
    times: Type.Array(Type.Number()),
    values: Type.Array(Type.Number()),
    weights: Type.Optional(Type.Array(Type.Number())),
    prior: Prior,
    lambda: Type.Number({ minimum: 0 }),
    evaluate_at: Type.Array(Type.Number(), { maxItems: MAX_EVALUATION_POINTS }),
  },
  closed,
);

export function registerSignalRoutes(app: FastifyInstance): void {
  const tags = ['signals'];
  app.post(
    '/signals/sample-plan',
    {
      schema: {
        summary: 'Universal sampling plan on [0, T]: sorted times with importance weights',
        tags,
        body: SamplePlanBody,
      },
    },
    async (req, reply) => {
      const body = req.body as Static<typeof SamplePlanBody>;
      let s = body.statistical_dimension;
      if (s === undefined) {
        assertArg(
          body.prior !== undefined && body.lambda !== undefined,
          'INVALID_ARGUMENT',
          'give statistical_dimension, or prior and lambda to compute it',
        );
        s = statisticalDimension({ prior: body.prior, T: body.T, lambda: body.lambda });
      }
      const count = body.count ?? impliedSampleCount(s);
      const plan = universalSamplingTimes({
        T: body.T,
        count,
        statisticalDimension: s,
        ...(body.seed === undefined ? {} : { seed: body.seed }),
      });
      return ok(reply, { times: plan.times, weights: plan.weights, statistical_dimension: s, count });
    },
  );

  app.post(
    '/signals/reconstruct',
    {
      schema: {
        summary:
          'Reconstruct a signal from samples under a spectral prior; evaluate it at the requested times',
        tags,
        body: ReconstructBody,
      },
    },
    async (req, reply) => {
      const body = req.body as Static<typeof ReconstructBody>;
      const fit = reconstructSignal({
        times: body.times,
        values: body.values,
        ...(body.weights === undefined ? {} : { weights: body.weights }),
        prior: body.prior,
        T: body.T,
        lambda: body.lambda,
      });
      return ok(reply, {
        values: fit.evaluate(body.evaluate_at),
        statistical_dimension: fit.statisticalDimension,
        sample_count: fit.sampleCount,
      });
    },
  );
}
