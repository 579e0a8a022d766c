import { type Label, type Model, predict } from '../../src/krr/model.js';

/** Rows scored for the training metrics: a strided subset, so exact KRR (n·m kernel evaluations) stays cheap. */
export const METRIC_ROWS = 2048;

export interface TrainingMetrics {
  /** Rows trained on. */
  rows: number;
  /** λ used (the k-fold choice when the spec said 'auto'). */
  lambda: number;
  /** Wall-clock seconds of training. */
  seconds: number;
  /** Rows the training metrics below were measured on (every ⌈n/2048⌉-th row). */
  evaluated_rows: number;
  /** Regression: root mean squared error and R² on training rows (an optimistic, in-sample figure). */
  train_rmse?: number;
  train_r2?: number;
  /** Classification: fraction of training rows whose label is predicted back. */
  train_accuracy?: number;
  /** Classification: the labels seen, in output order. */
  classes?: Label[];
  /** Mean k-fold validation error of the λ chosen ('auto' only). */
  validation_error?: number;
}

/** In-sample fit figures of a trained model; they detect a model that failed to fit, not generalisation. */
export function trainingMetrics(
  model: Model,
  job: { x: Float32Array; rows: number; cols: number; y: Float64Array | Label[] },
  seconds: number,
): TrainingMetrics {
  const stride = Math.max(1, Math.ceil(job.rows / METRIC_ROWS));
  const m = Math.ceil(job.rows / stride);
  const xs = new Float64Array(m * job.cols);
  for (let r = 0; r < m; r++)
    for (let k = 0; k < job.cols; k++) xs[r * job.cols + k] = job.x[r * stride * job.cols + k]!;
  const out = predict(model, { data: xs, rows: m, cols: job.cols });
  const metrics: TrainingMetrics = { rows: job.rows, lambda: model.lambda, seconds, evaluated_rows: m };
  if (model.classes === null) {
    let mean = 0;
    for (let r = 0; r < m; r++) mean += job.y[r * stride] as number;
    mean /= m;
    let sse = 0;
    let sst = 0;
    for (let r = 0; r < m; r++) {
      const t = job.y[r * stride] as number;
      sse += ((out[r] as number) - t) ** 2;
      sst += (t - mean) ** 2;
    }
    metrics.train_rmse = Math.sqrt(sse / m);
    metrics.train_r2 = sst > 0 ? 1 - sse / sst : 1;
  } else {
    let hits = 0;
    for (let r = 0; r < m; r++) if (out[r] === job.y[r * stride]) hits++;
    metrics.train_accuracy = hits / m;
    metrics.classes = [...model.classes];
  }
  const chosen = model.validation.find((v) => v.lambda === model.lambda);
  if (chosen !== undefined) metrics.validation_error = chosen.error;
  return metrics;
}
