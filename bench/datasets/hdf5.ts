import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import h5wasm, { type Dataset as H5Dataset } from 'h5wasm/node';
import { DitherError } from '../../src/errors.js';
import { checkRowLimit, createDataset, type Dataset, type LoadOptions, type Metric } from './dataset.js';
import { toFloat32, toInt32 } from './npy.js';

/**
 * ann-benchmarks .hdf5 files (Aumüller, Bernhardsson, Faithfull, "ANN-Benchmarks", 2018): datasets `train`
 * (n × d), `test` (q × d), `neighbors` (q × 100 ids) and `distances` (q × 100), and a root attribute `distance`.
 * Read through h5wasm (HDF5 compiled to WebAssembly).
 *
 * Rows are copied out in slices of about 64 MB: a WebAssembly heap is at most 4 GB, so GIST-960 (3.8 GB) read
 * with one `.value` would not fit, and slicing keeps the peak near the size of the result.
 */
const SLICE_BYTES = 1 << 26;

/** ann-benchmarks' `distance` attribute → our metric. Hamming and Jaccard sets are binary/sparse: not read. */
export function metricFromAnnBenchmarks(distance: string): Metric {
  switch (distance.toLowerCase()) {
    case 'euclidean':
    case 'l2':
      return 'l2';
    case 'angular':
    case 'cosine':
      return 'cosine';
    case 'dot':
    case 'ip':
    case 'inner_product':
    case 'mips':
      return 'dot';
    default:
      throw new DitherError(
        'INVALID_ARGUMENT',
        `distance "${distance}" is not supported (euclidean, angular, dot); hamming/jaccard sets are binary or sparse`,
      );
  }
}

export async function loadHdf5(path: string, options: LoadOptions = {}): Promise<Dataset> {
  checkRowLimit(options.maxTrain, 'maxTrain');
  checkRowLimit(options.maxTest, 'maxTest');
  const full = resolve(path);
  if (!existsSync(full)) throw new DitherError('INVALID_ARGUMENT', `${path}: no such file`);
  await h5wasm.ready;
  const file = new h5wasm.File(full, 'r');
  try {
    const keys = file.keys();
    const get = (name: string): H5Dataset => {
      const entity = keys.includes(name) ? file.get(name) : null;
      if (!(entity instanceof h5wasm.Dataset))
        throw new DitherError('CORRUPT_DATA', `${path}: no dataset "${name}" (has ${keys.join(', ')})`);
      return entity;
    };
    const train = readRows(get('train'), options.maxTrain, path);
    const test = readRows(get('test'), options.maxTest, path);
    if (train.width !== test.width)
      throw new DitherError('DIMENSION_MISMATCH', `${path}: train is ${train.width}-d, test ${test.width}-d`);
    let metric: Metric | undefined = options.metric;
    if (metric === undefined && Object.hasOwn(file.attrs, 'distance')) {
      const raw = file.get_attribute('distance', true);
      metric = metricFromAnnBenchmarks(Array.isArray(raw) ? String(raw[0]) : String(raw));
    }
    // The shipped ground truth ranks the whole train set: it is wrong for a cut one.
    const keepTruth = train.rows === train.totalRows && keys.includes('neighbors');
    const neighbors = keepTruth ? readRows(get('neighbors'), options.maxTest, path) : undefined;
    const distances =
      keepTruth && keys.includes('distances') ? readRows(get('distances'), options.maxTest, path) : undefined;
    return createDataset({
      name: basename(path, extname(path)),
      dimension: train.width,
      train: toFloat32(train.data),
      test: toFloat32(test.data),
      neighbors: neighbors && toInt32(neighbors.data, `${path} neighbors`),
      distances: distances && toFloat32(distances.data),
      neighborsK: neighbors?.width,
      metric,
    });
  } finally {
    file.close();
  }
}

type Numeric =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | BigInt64Array;

interface Rows {
  rows: number;
  totalRows: number;
  width: number;
  data: Numeric;
}

function readRows(ds: H5Dataset, maxRows: number | undefined, path: string): Rows {
  const shape = ds.shape;
  if (shape === null || shape.length !== 2)
    throw new DitherError(
      'CORRUPT_DATA',
      `${path}${ds.path}: expected a 2-D dataset, shape ${JSON.stringify(shape)}`,
    );
  const [totalRows, width] = shape as [number, number];
  const rows = Math.min(totalRows, maxRows ?? totalRows);
  const meta = ds.metadata;
  const rowsPerSlice = Math.max(1, Math.floor(SLICE_BYTES / Math.max(1, width * meta.size)));
  let out: Numeric | undefined;
  for (let r0 = 0; r0 < rows; r0 += rowsPerSlice) {
    const r1 = Math.min(rows, r0 + rowsPerSlice);
    const part = ds.slice([[r0, r1], []]);
    if (!isNumeric(part))
      throw new DitherError('CORRUPT_DATA', `${path}${ds.path}: dtype ${String(ds.dtype)} is not numeric`);
    if (r0 === 0 && r1 === rows) return { rows, totalRows, width, data: part };
    out ??= new (part.constructor as new (n: number) => Numeric)(rows * width);
    (out as Float64Array).set(part as Float64Array, r0 * width);
  }
  return { rows, totalRows, width, data: out ?? new Float32Array(0) };
}

function isNumeric(v: unknown): v is Numeric {
  return (
    v instanceof Float32Array ||
    v instanceof Float64Array ||
    v instanceof Int32Array ||
    v instanceof Uint8Array ||
    v instanceof BigInt64Array ||
    v instanceof Int16Array ||
    v instanceof Uint16Array ||
    v instanceof Uint32Array ||
    v instanceof Int8Array
  );
}
