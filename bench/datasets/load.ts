import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { DitherError } from '../../src/errors.js';
import {
  checkRowLimit,
  createDataset,
  type Dataset,
  headRows,
  isMetric,
  type LoadOptions,
} from './dataset.js';
import { loadHdf5 } from './hdf5.js';
import { FASHION_MNIST_DIR, loadFashionMnist } from './idx.js';
import { readJsonl } from './jsonl.js';
import { readNpyIds, readNpyMatrix } from './npy.js';
import { defaultTestCount, holdOutSplit } from './split.js';
import { readBvecs, readFvecs, readIvecs } from './vecs.js';

/** Names that resolve to Fashion-MNIST from Debian's `dataset-fashion-mnist` package. */
export const FASHION_MNIST_NAMES = ['fashion-mnist', 'fashion-mnist-784-euclidean'] as const;

/** Where bare ann-benchmarks names (`sift-128-euclidean`) are looked up as `<name>.hdf5`. */
export function datasetDir(): string {
  return (
    process.env.DITHERDB_DATA_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ditherdb', 'datasets')
  );
}

/**
 * Resolves a dataset spec:
 * - `fashion-mnist` (or `fashion-mnist-784-euclidean`): the Debian package's IDX files, train = the 60 000
 *   training images, test = the 10 000 test images, metric l2 — ann-benchmarks' fashion-mnist-784-euclidean;
 * - a directory: TEXMEX files (`<x>_base.fvecs|bvecs`, `<x>_query.*`, `<x>_groundtruth.ivecs`) or
 *   `train.* ` / `test.*` (+ `neighbors.ivecs|npy`) in any format below;
 * - a file, by extension: `.hdf5`/`.h5` (ann-benchmarks), `.fvecs`/`.bvecs` (a TEXMEX `_base` file brings its
 *   `_query` and `_groundtruth` siblings), `.npy`, `.jsonl`/`.ndjson`; a single matrix is split into train and
 *   a seeded random held-out test set of `options.testCount` rows;
 * - a bare name: `<datasetDir()>/<name>.hdf5`.
 */
export async function loadDataset(spec: string, options: LoadOptions = {}): Promise<Dataset> {
  checkRowLimit(options.maxTrain, 'maxTrain');
  checkRowLimit(options.maxTest, 'maxTest');
  checkRowLimit(options.testCount, 'testCount');
  if (options.metric !== undefined && !isMetric(options.metric))
    throw new DitherError(
      'INVALID_ARGUMENT',
      `metric must be l2, cosine or dot, not ${String(options.metric)}`,
    );
  if ((FASHION_MNIST_NAMES as readonly string[]).includes(spec.toLowerCase())) return fashionMnist(options);
  if (existsSync(spec)) {
    if (statSync(spec).isDirectory()) return loadDirectory(spec, options);
    return loadFile(spec, options);
  }
  if (!spec.includes('/') && extname(spec) === '') {
    const candidate = join(datasetDir(), `${spec}.hdf5`);
    if (existsSync(candidate)) return loadHdf5(candidate, options);
    throw new DitherError(
      'INVALID_ARGUMENT',
      `unknown dataset "${spec}": use fashion-mnist, a path, or put ${spec}.hdf5 (ann-benchmarks) in ${datasetDir()}`,
    );
  }
  throw new DitherError('INVALID_ARGUMENT', `${spec}: no such file or directory`);
}

function fashionMnist(options: LoadOptions): Dataset {
  const dir = process.env.FASHION_MNIST_DIR ?? FASHION_MNIST_DIR;
  const set = loadFashionMnist(dir);
  if (set === null)
    throw new DitherError(
      'INVALID_ARGUMENT',
      `Fashion-MNIST not found in ${dir}: run \`apt-get install -y dataset-fashion-mnist\` (or set FASHION_MNIST_DIR)`,
    );
  return createDataset({
    name: 'fashion-mnist-784-euclidean',
    dimension: set.dimension,
    train: headRows(set.train, set.dimension, options.maxTrain ?? Number.POSITIVE_INFINITY),
    test: headRows(set.test, set.dimension, options.maxTest ?? Number.POSITIVE_INFINITY),
    metric: options.metric ?? 'l2',
  });
}

interface Matrix {
  rows: number;
  dimension: number;
  data: Float32Array;
}

async function readMatrix(path: string, maxRows: number | undefined): Promise<Matrix> {
  switch (extname(path).toLowerCase()) {
    case '.fvecs':
      return readFvecs(path, maxRows);
    case '.bvecs':
      return readBvecs(path, maxRows);
    case '.npy':
      return readNpyMatrix(path, maxRows);
    case '.jsonl':
    case '.ndjson':
      return readJsonl(path, maxRows);
    default:
      throw new DitherError(
        'INVALID_ARGUMENT',
        `${path}: unsupported extension (use .hdf5, .h5, .fvecs, .bvecs, .npy, .jsonl, .ndjson or a directory)`,
      );
  }
}

function readIds(
  path: string,
  maxRows: number | undefined,
): { rows: number; dimension: number; data: Int32Array } {
  return extname(path).toLowerCase() === '.npy' ? readNpyIds(path, maxRows) : readIvecs(path, maxRows);
}

async function loadFile(path: string, options: LoadOptions): Promise<Dataset> {
  const ext = extname(path).toLowerCase();
  if (ext === '.hdf5' || ext === '.h5') return loadHdf5(path, options);
  if (ext === '.ivecs')
    throw new DitherError(
      'INVALID_ARGUMENT',
      `${path}: .ivecs holds ground truth, not vectors; pass the directory`,
    );
  const texmex = /^(.*)_base\.(fvecs|bvecs)$/.exec(basename(path));
  if (texmex) {
    const query = join(dirname(path), `${texmex[1]}_query.${texmex[2]}`);
    if (existsSync(query)) {
      const truth = join(dirname(path), `${texmex[1]}_groundtruth.ivecs`);
      return loadParts(texmex[1]!, path, query, existsSync(truth) ? truth : undefined, options, 'l2');
    }
  }
  // The whole file is read even under maxTrain, so that the held-out queries do not depend on the cut.
  const m = await readMatrix(path, undefined);
  const testCount = options.testCount ?? defaultTestCount(m.rows);
  const { train, test } = holdOutSplit(m.data, m.dimension, testCount, options.seed ?? 0);
  return createDataset({
    name: basename(path, extname(path)),
    dimension: m.dimension,
    train: headRows(train, m.dimension, options.maxTrain ?? Number.POSITIVE_INFINITY),
    test: headRows(test, m.dimension, options.maxTest ?? Number.POSITIVE_INFINITY),
    metric: options.metric,
  });
}

const BASE = [/^(.+)_base\.(fvecs|bvecs)$/, /^(train|base)\.(npy|fvecs|bvecs|jsonl|ndjson)$/];
const QUERY = [/^(.+)_query\.(fvecs|bvecs)$/, /^(test|query|queries)\.(npy|fvecs|bvecs|jsonl|ndjson)$/];
const TRUTH = [/^(.+)_groundtruth\.ivecs$/, /^(neighbors|groundtruth)\.(ivecs|npy)$/];

async function loadDirectory(dir: string, options: LoadOptions): Promise<Dataset> {
  const files = readdirSync(dir).sort();
  const pick = (patterns: RegExp[], what: string): string | undefined => {
    for (const pattern of patterns) {
      const hits = files.filter((f) => pattern.test(f));
      if (hits.length > 1)
        throw new DitherError('INVALID_ARGUMENT', `${dir}: several ${what} files (${hits.join(', ')})`);
      if (hits.length === 1) return hits[0];
    }
    return undefined;
  };
  const base = pick(BASE, 'base/train');
  const query = pick(QUERY, 'query/test');
  if (base === undefined || query === undefined)
    throw new DitherError(
      'INVALID_ARGUMENT',
      `${dir}: expected <name>_base.fvecs + <name>_query.fvecs (TEXMEX) or train.* + test.*; found ${files.join(', ') || 'nothing'}`,
    );
  const truth = pick(TRUTH, 'ground-truth');
  const texmexName = /^(.+)_base\./.exec(base)?.[1];
  // SIFT1M, GIST1M and SIFT1B are Euclidean by construction (Jégou et al. 2011 rank by L2).
  return loadParts(
    texmexName ?? basename(dir),
    join(dir, base),
    join(dir, query),
    truth === undefined ? undefined : join(dir, truth),
    options,
    texmexName === undefined ? undefined : 'l2',
  );
}

async function loadParts(
  name: string,
  basePath: string,
  queryPath: string,
  truthPath: string | undefined,
  options: LoadOptions,
  declaredMetric: 'l2' | undefined,
): Promise<Dataset> {
  // One row past the limit tells whether the base was cut without a second pass over the file.
  const read = await readMatrix(basePath, options.maxTrain === undefined ? undefined : options.maxTrain + 1);
  const fullBase = options.maxTrain === undefined || read.rows <= options.maxTrain;
  const base = fullBase
    ? read
    : { ...read, rows: options.maxTrain!, data: headRows(read.data, read.dimension, options.maxTrain!) };
  const query = await readMatrix(queryPath, options.maxTest);
  if (base.dimension !== query.dimension)
    throw new DitherError(
      'DIMENSION_MISMATCH',
      `${name}: base is ${base.dimension}-d, queries are ${query.dimension}-d`,
    );
  // Shipped ground truth ranks the whole base set, so it is void once the base is cut.
  const truth = truthPath !== undefined && fullBase ? readIds(truthPath, options.maxTest) : undefined;
  if (truth !== undefined && truth.rows !== query.rows)
    throw new DitherError(
      'DIMENSION_MISMATCH',
      `${name}: ground truth has ${truth.rows} rows, queries ${query.rows}`,
    );
  return createDataset({
    name,
    dimension: base.dimension,
    train: base.data,
    test: query.data,
    neighbors: truth?.data,
    neighborsK: truth?.dimension,
    metric: options.metric ?? declaredMetric,
  });
}
