import { assertArg } from '../errors.js';
import { type KernelKind, type MaternNu, validateKernel } from '../features/kernel.js';

/** The model a collection stores: what to learn, from which payload key, on which features. */
export interface ModelSpec {
  name: string;
  target_key: string;
  task: 'regression' | 'classification';
  features: FeatureSpec;
  /** Ridge λ of ‖Zw − y‖² + λ‖w‖² (not scaled by n, like scikit-learn's Ridge `alpha`), or 'auto' for k-fold. */
  lambda: number | 'auto';
}

export interface FeatureSpec {
  type: 'rff' | 'leverage_rff' | 'binning' | 'exact';
  /** Number of features D (an upper bound on occupied cells for binning); unused by 'exact'. */
  count?: number;
  kernel: KernelKind;
  /** σ of exp(−‖x − y‖²/2σ²), σ of exp(−‖x − y‖₁/σ), or the Matérn length scale ℓ. */
  bandwidth: number;
  nu?: MaternNu;
}

/** Largest D accepted: 65 536 dense features are already 512 KiB per row. */
export const MAX_FEATURE_COUNT = 65_536;

const SPEC_KEYS = new Set(['name', 'target_key', 'task', 'features', 'lambda']);
const FEATURE_KEYS = new Set(['type', 'count', 'kernel', 'bandwidth', 'nu']);

/** Validates a spec (INVALID_ARGUMENT on any problem, unknown keys included) and returns a clean copy. */
export function validateModelSpec(input: unknown): ModelSpec {
  assertArg(isObject(input), 'INVALID_ARGUMENT', 'model spec must be an object');
  for (const key of Object.keys(input))
    assertArg(SPEC_KEYS.has(key), 'INVALID_ARGUMENT', `unknown model spec key '${key}'`);
  const { name, target_key, task, features, lambda } = input;
  assertArg(
    typeof name === 'string' && name.length > 0 && name.length <= 255,
    'INVALID_ARGUMENT',
    'name must be a non-empty string of at most 255 characters',
  );
  assertArg(
    typeof target_key === 'string' && target_key.length > 0,
    'INVALID_ARGUMENT',
    'target_key must be a non-empty string',
  );
  assertArg(
    task === 'regression' || task === 'classification',
    'INVALID_ARGUMENT',
    "task must be 'regression' or 'classification'",
  );
  assertArg(
    lambda === 'auto' || (typeof lambda === 'number' && Number.isFinite(lambda) && lambda > 0),
    'INVALID_ARGUMENT',
    "lambda must be a finite positive number or 'auto'",
  );
  assertArg(isObject(features), 'INVALID_ARGUMENT', 'features must be an object');
  for (const key of Object.keys(features))
    assertArg(FEATURE_KEYS.has(key), 'INVALID_ARGUMENT', `unknown features key '${key}'`);
  const { type, count, kernel, bandwidth, nu } = features;
  assertArg(
    type === 'rff' || type === 'leverage_rff' || type === 'binning' || type === 'exact',
    'INVALID_ARGUMENT',
    "features.type must be 'rff', 'leverage_rff', 'binning' or 'exact'",
  );
  if (type !== 'exact')
    assertArg(
      typeof count === 'number' && Number.isInteger(count) && count > 0 && count <= MAX_FEATURE_COUNT,
      'INVALID_ARGUMENT',
      `features.count must be an integer from 1 to ${MAX_FEATURE_COUNT}`,
    );
  else
    assertArg(
      count === undefined || (typeof count === 'number' && Number.isInteger(count) && count > 0),
      'INVALID_ARGUMENT',
      'features.count must be a positive integer',
    );
  const kernelSpec = { kind: kernel, bandwidth, nu } as {
    kind: KernelKind;
    bandwidth: number;
    nu?: MaternNu;
  };
  if (nu === undefined) delete kernelSpec.nu;
  validateKernel(kernelSpec);
  if (kernel !== 'matern')
    assertArg(nu === undefined, 'INVALID_ARGUMENT', 'nu applies to the matern kernel only');
  if (type === 'leverage_rff')
    assertArg(
      kernel !== 'laplacian',
      'INVALID_ARGUMENT',
      'leverage_rff needs an isotropic kernel (gaussian or matern)',
    );
  const clean: FeatureSpec = { type, kernel: kernel as KernelKind, bandwidth: bandwidth as number };
  if (count !== undefined) clean.count = count as number;
  if (nu !== undefined) clean.nu = nu as MaternNu;
  return { name, target_key, task, features: clean, lambda: lambda as number | 'auto' };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
