import { assertArg, DitherError } from '../errors.js';
import type { BinningMap } from '../features/binning.js';
import type { FeatureMap } from '../features/map.js';
import type { RffMap } from '../features/rff.js';
import type { Label, Model } from './model.js';
import { validateModelSpec } from './spec.js';

/**
 * A model as a plain object of numbers, strings and typed arrays — what msgpackr (or structuredClone, or a
 * worker's postMessage) carries unchanged — so the storage layer can keep it beside a collection.
 * `format` versions the layout; deserializeModel checks every length and throws CORRUPT_DATA on a mismatch.
 */
export const MODEL_FORMAT_VERSION = 1;

export interface SerializedModel {
  format: number;
  spec: Model['spec'];
  dim: number;
  lambda: number;
  classes: Label[] | null;
  outputs: number;
  yMean: Float64Array;
  weights: Float64Array;
  train: Float64Array | null;
  map: SerializedMap | null;
  validation: { lambda: number; error: number }[];
}

export type SerializedMap =
  | {
      type: 'rff' | 'leverage_rff';
      dim: number;
      count: number;
      omega: Float64Array;
      phase: Float64Array;
      weight: Float64Array;
    }
  | {
      type: 'binning';
      dim: number;
      count: number;
      grids: number;
      profile: 0 | 1;
      pitch: Float64Array;
      shift: Float64Array;
      cellStart: Int32Array;
      cells: Float64Array;
    };

export function serializeModel(model: Model): SerializedModel {
  return {
    format: MODEL_FORMAT_VERSION,
    spec: model.spec,
    dim: model.dim,
    lambda: model.lambda,
    classes: model.classes === null ? null : [...model.classes],
    outputs: model.outputs,
    yMean: model.yMean.slice(),
    weights: model.weights.slice(),
    train: model.train === null ? null : model.train.slice(),
    map: model.map === null ? null : serializeMap(model.map),
    validation: model.validation.map((v) => ({ ...v })),
  };
}

function serializeMap(map: FeatureMap): SerializedMap {
  if (map.type === 'binning')
    return {
      type: 'binning',
      dim: map.dim,
      count: map.count,
      grids: map.grids,
      profile: map.profile,
      pitch: map.pitch.slice(),
      shift: map.shift.slice(),
      cellStart: map.cellStart.slice(),
      cells: map.cells.slice(),
    };
  return {
    type: map.type,
    dim: map.dim,
    count: map.count,
    omega: map.omega.slice(),
    phase: map.phase.slice(),
    weight: map.weight.slice(),
  };
}

function corrupt(cond: unknown, what: string): asserts cond {
  if (!cond) throw new DitherError('CORRUPT_DATA', `serialized model: ${what}`);
}

const isF64 = (a: unknown, n: number): a is Float64Array => a instanceof Float64Array && a.length === n;
const posInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

export function deserializeModel(input: unknown): Model {
  corrupt(typeof input === 'object' && input !== null, 'not an object');
  const s = input as Partial<SerializedModel>;
  if (s.format !== MODEL_FORMAT_VERSION)
    throw new DitherError('UNSUPPORTED_FORMAT_VERSION', `model format ${String(s.format)} is not supported`);
  let spec: Model['spec'];
  try {
    spec = validateModelSpec(s.spec);
  } catch (cause) {
    throw new DitherError('CORRUPT_DATA', 'serialized model: invalid spec', { cause });
  }
  corrupt(posInt(s.dim) && posInt(s.outputs), 'dim/outputs');
  corrupt(typeof s.lambda === 'number' && s.lambda > 0, 'lambda');
  const { dim, outputs } = s;
  corrupt(isF64(s.yMean, outputs), 'yMean');
  if (spec.task === 'classification')
    corrupt(Array.isArray(s.classes) && s.classes.length === outputs, 'classes');
  else corrupt(s.classes === null && outputs === 1, 'classes');
  let map: FeatureMap | null = null;
  let train: Float64Array | null = null;
  if (spec.features.type === 'exact') {
    corrupt(s.train instanceof Float64Array && s.train.length % dim === 0 && s.train.length > 0, 'train');
    train = s.train;
    corrupt(isF64(s.weights, (train.length / dim) * outputs), 'weights');
  } else {
    map = deserializeMap(s.map, dim);
    corrupt(map.type === spec.features.type, 'map type');
    corrupt(isF64(s.weights, map.count * outputs), 'weights');
  }
  assertArg(Array.isArray(s.validation), 'CORRUPT_DATA', 'serialized model: validation');
  return {
    spec,
    dim,
    lambda: s.lambda,
    classes: s.classes ?? null,
    outputs,
    yMean: s.yMean,
    weights: s.weights as Float64Array,
    train,
    map,
    validation: s.validation,
  };
}

function deserializeMap(m: unknown, dim: number): FeatureMap {
  corrupt(typeof m === 'object' && m !== null, 'map');
  const s = m as Partial<Omit<RffMap, 'type'> & Omit<BinningMap, 'type'>> & { type?: unknown };
  corrupt(
    s.dim === dim && typeof s.count === 'number' && Number.isInteger(s.count) && s.count >= 0,
    'map shape',
  );
  const count = s.count;
  if (s.type === 'rff' || s.type === 'leverage_rff') {
    corrupt(isF64(s.omega, dim * count) && isF64(s.phase, count) && isF64(s.weight, count), 'rff arrays');
    return { type: s.type, dim, count, omega: s.omega, phase: s.phase, weight: s.weight };
  }
  corrupt(s.type === 'binning', 'map type');
  const grids = s.grids;
  corrupt(posInt(grids) && (s.profile === 0 || s.profile === 1), 'binning grids');
  corrupt(isF64(s.pitch, grids * dim) && isF64(s.shift, grids * dim), 'binning pitch/shift');
  corrupt(s.cellStart instanceof Int32Array && s.cellStart.length === grids + 1, 'binning cellStart');
  corrupt(s.cellStart[0] === 0 && s.cellStart[grids] === count, 'binning cellStart bounds');
  for (let g = 0; g < grids; g++) corrupt(s.cellStart[g]! <= s.cellStart[g + 1]!, 'binning cellStart order');
  corrupt(isF64(s.cells, count * dim), 'binning cells');
  for (let i = 0; i < s.pitch.length; i++)
    corrupt(s.pitch[i]! > 0 && Number.isFinite(s.pitch[i]!), 'binning pitch');
  return {
    type: 'binning',
    dim,
    count,
    grids,
    profile: s.profile,
    pitch: s.pitch,
    shift: s.shift,
    cellStart: s.cellStart,
    cells: s.cells,
  };
}
