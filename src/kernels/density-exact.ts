import type { KernelEval } from './kernel.js';
import type { Estimate, PointSet } from './types.js';

/** F(q) = (1/n) Σ_j w_j k(q, x_j) over every point; error 0, touched n. Empty collections have density 0. */
export function densityExactWorker(
  points: PointSet,
  weights: Float64Array | undefined,
  k: KernelEval,
  q: Float64Array,
): Estimate {
  const { data, count, dimension } = points;
  let sum = 0;
  if (weights === undefined) for (let j = 0; j < count; j++) sum += k(q, data, j, dimension);
  else for (let j = 0; j < count; j++) sum += weights[j]! * k(q, data, j, dimension);
  return { value: count > 0 ? sum / count : 0, error: 0, touched: count };
}
