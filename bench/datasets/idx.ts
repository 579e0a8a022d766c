import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * IDX files (MNIST, Fashion-MNIST), gzipped or not. Magic: two zero bytes, a type byte (0x08 = uint8),
 * the number of dimensions, then one big-endian uint32 per dimension.
 */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

export function readIdx(path: string): IdxArray {
  let buf = readFileSync(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) throw new Error(`${path}: not an IDX file`);
  if (buf[2] !== 0x08)
    throw new Error(`${path}: IDX type 0x${buf[2]?.toString(16)} is not supported (uint8 only)`);
  const rank = buf[3]!;
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(buf.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const count = shape.reduce((a, b) => a * b, 1);
  if (buf.length !== offset + count)
    throw new Error(`${path}: expected ${count} values, file holds ${buf.length - offset}`);
  return { shape, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, count) };
}

/** Where Debian's `dataset-fashion-mnist` package puts the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface LabelledSet {
  dimension: number;
  train: Float32Array;
  trainLabels: Uint8Array;
  test: Float32Array;
  testLabels: Uint8Array;
}

/** Fashion-MNIST as float32 pixels 0..255 (ann-benchmarks' fashion-mnist-784-euclidean uses raw pixels), or null. */
export function loadFashionMnist(
  dir = process.env.FASHION_MNIST_DIR ?? FASHION_MNIST_DIR,
): LabelledSet | null {
  const file = (name: string) => `${dir}/${name}-idx${name.includes('labels') ? 1 : 3}-ubyte.gz`;
  if (!existsSync(file('train-images'))) return null;
  const toFloat = (a: IdxArray) => Float32Array.from(a.data);
  const trainImages = readIdx(file('train-images'));
  return {
    dimension: (trainImages.shape[1] ?? 0) * (trainImages.shape[2] ?? 0),
    train: toFloat(trainImages),
    trainLabels: readIdx(file('train-labels')).data,
    test: toFloat(readIdx(file('t10k-images'))),
    testLabels: readIdx(file('t10k-labels')).data,
  };
}
