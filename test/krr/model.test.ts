import { describe, expect, it } from 'vitest';
import { type Model, predict, predictScores, trainModel } from '../../src/krr/model.js';
import { deserializeModel, serializeModel } from '../../src/krr/serialize.js';
import type { ModelSpec } from '../../src/krr/spec.js';
import { Rng } from '../../src/rng.js';

const spec = (features: ModelSpec['features'], lambda: ModelSpec['lambda'] = 0.01): ModelSpec => ({
  name: 'm',
  target_key: 'y',
  task: 'regression',
  features,
  lambda,
});

/** y = f(x) + noise on [0, width]^d. */
function regressionData(
  n: number,
  d: number,
  width: number,
  noise: number,
  f: (x: Float64Array, o: number) => number,
  seed: number,
) {
  const rng = new Rng(seed, 2);
  const x = Float64Array.from({ length: n * d }, () => width * rng.next());
  const y = Float64Array.from({ length: n }, (_, i) => f(x, i * d) + noise * rng.gaussian());
  return { x: { data: x, rows: n, cols: d }, y };
}

function mse(
  model: Model,
  data: ReturnType<typeof regressionData>,
  f: (x: Float64Array, o: number) => number,
): number {
  const p = predict(model, data.x) as number[];
  let e = 0;
  for (let i = 0; i < data.x.rows; i++) e += (p[i]! - f(data.x.data, i * data.x.cols)) ** 2;
  return e / data.x.rows;
}

const smooth = (x: Float64Array, o: number) => Math.sin(x[o]!) + 0.5 * Math.cos(1.3 * x[o + 1]!);

describe('kernel ridge regression models', () => {
  it('recovers a known smooth function with every feature map', async () => {
    const train = regressionData(600, 2, 6, 0.1, smooth, 1);
    const test = regressionData(300, 2, 6, 0, smooth, 2);
    // Noise variance 0.01; a consistent estimator must get well below the variance of f (≈ 0.6).
    for (const type of ['rff', 'leverage_rff', 'binning', 'exact'] as const) {
      const model = await trainModel(
        train.x,
        train.y,
        spec({ type, count: 400, kernel: 'gaussian', bandwidth: 1 }, 0.1),
      );
      expect(mse(model, test, smooth), type).toBeLessThan(0.01);
    }
    for (const kernel of [
      { kernel: 'laplacian', bandwidth: 3 },
      { kernel: 'matern', bandwidth: 2, nu: 2.5 },
    ] as const) {
      const model = await trainModel(train.x, train.y, spec({ type: 'rff', count: 400, ...kernel }, 0.1));
      expect(mse(model, test, smooth), kernel.kernel).toBeLessThan(0.02);
    }
  });

  it('feature KRR converges to exact KRR as D grows', async () => {
    const train = regressionData(200, 2, 6, 0.1, smooth, 3);
    const test = regressionData(200, 2, 6, 0, smooth, 4);
    const kernel = { kernel: 'gaussian', bandwidth: 1 } as const;
    const exact = predictScores(
      await trainModel(train.x, train.y, spec({ type: 'exact', ...kernel }, 0.1)),
      test.x,
    );
    const gaps: number[] = [];
    for (const count of [16, 64, 256, 640]) {
      let gap = 0;
      for (const seed of [1, 2]) {
        const p = predictScores(
          await trainModel(train.x, train.y, spec({ type: 'rff', count, ...kernel }, 0.1), { seed }),
          test.x,
        );
        for (let i = 0; i < p.length; i++) gap += (p[i]! - exact[i]!) ** 2 / (2 * p.length);
      }
      gaps.push(Math.sqrt(gap));
    }
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeLessThan(gaps[i - 1]!);
    expect(gaps[3]!).toBeLessThan(0.04);
    expect(gaps[3]! / gaps[1]!).toBeLessThan(0.5); // 10× more features: ≈ 1/√10 of the gap expected
  });

  it('leverage RFF beats plain RFF at equal D on a 1-D target with high-frequency content', async () => {
    // f has energy at ω = 5.5 where the Gaussian spectrum N(0, 1/σ²), σ = 0.5, has density e^{−3.8}; the leverage
    // distribution for λ = 0.01 is flat out to |ω| ≈ 8, so it samples those frequencies and RFF rarely does.
    const f = (x: Float64Array, o: number) => Math.sin(x[o]!) + 0.5 * Math.sin(5.5 * x[o]!);
    const train = regressionData(1500, 1, 50, 0.1, f, 5);
    const test = regressionData(500, 1, 50, 0, f, 6);
    const features = { count: 256, kernel: 'gaussian', bandwidth: 0.5 } as const;
    const rff = mse(await trainModel(train.x, train.y, spec({ type: 'rff', ...features })), test, f);
    const lev = mse(await trainModel(train.x, train.y, spec({ type: 'leverage_rff', ...features })), test, f);
    expect(lev).toBeLessThan(0.2 * rff);
  });

  it('classifies with one-hot targets and returns the labels as given', async () => {
    const rng = new Rng(8);
    const centres = [
      [0, 0],
      [4, 0],
      [0, 4],
    ];
    const names = ['cat', 'dog', 'eel'];
    const rows: number[][] = [];
    const labels: string[] = [];
    for (let i = 0; i < 450; i++) {
      const c = i % 3;
      rows.push([centres[c]![0]! + rng.gaussian(), centres[c]![1]! + rng.gaussian()]);
      labels.push(names[c]!);
    }
    const model = await trainModel(rows.slice(0, 300), labels.slice(0, 300), {
      ...spec({ type: 'rff', count: 200, kernel: 'gaussian', bandwidth: 1.5 }, 'auto'),
      task: 'classification',
    });
    expect(model.classes).toEqual(names);
    const pred = predict(model, rows.slice(300));
    let ok = 0;
    pred.forEach((p, i) => {
      if (p === labels[300 + i]) ok++;
    });
    // Bayes error of three unit-variance blobs 4 apart is about 4% (two neighbours at distance 2σ each side).
    expect(ok / 150).toBeGreaterThan(0.9);
    const numeric = await trainModel(
      rows.slice(0, 300),
      labels.slice(0, 300).map((l) => names.indexOf(l) * 10),
      {
        ...spec({ type: 'binning', count: 1000, kernel: 'gaussian', bandwidth: 1.5 }, 1),
        task: 'classification',
      },
    );
    expect(numeric.classes).toEqual([0, 10, 20]);
    expect(new Set(predict(numeric, rows.slice(300)))).toEqual(new Set([0, 10, 20]));
  });

  it("chooses λ by k-fold: small for clean data, large for pure noise ('auto')", async () => {
    const clean = regressionData(300, 2, 6, 0, smooth, 9);
    const noise = regressionData(300, 2, 6, 1, () => 0, 10);
    const features = { type: 'rff', count: 128, kernel: 'gaussian', bandwidth: 1 } as const;
    const a = await trainModel(clean.x, clean.y, spec(features, 'auto'));
    const b = await trainModel(noise.x, noise.y, spec(features, 'auto'));
    expect(a.validation).toHaveLength(10);
    expect(a.lambda).toBeLessThanOrEqual(1e-2);
    expect(b.lambda).toBeGreaterThanOrEqual(100);
    const e = await trainModel(
      clean.x,
      clean.y,
      spec({ type: 'exact', kernel: 'gaussian', bandwidth: 1 }, 'auto'),
      {
        folds: 3,
        lambdaGrid: [1e-4, 1e-2, 1, 100],
      },
    );
    expect(e.lambda).toBeLessThanOrEqual(1e-2);
  });

  it('reports progress, yields, and stops on abort', async () => {
    const data = regressionData(1000, 2, 6, 0.1, smooth, 11);
    const seen: number[] = [];
    await trainModel(data.x, data.y, spec({ type: 'rff', count: 64, kernel: 'gaussian', bandwidth: 1 }), {
      chunkRows: 100,
      onProgress: (p) => {
        if (p.phase === 'features') seen.push(p.done);
      },
    });
    expect(seen).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    const controller = new AbortController();
    let ticks = 0;
    setImmediate(() => controller.abort(new Error('stop')));
    await expect(
      trainModel(data.x, data.y, spec({ type: 'rff', count: 64, kernel: 'gaussian', bandwidth: 1 }), {
        chunkRows: 10,
        signal: controller.signal,
        onProgress: () => {
          ticks++;
        },
      }),
    ).rejects.toThrow('stop');
    expect(ticks).toBeLessThan(100);
  });

  it('serialises to plain typed arrays and predicts identically after a round trip', async () => {
    const data = regressionData(200, 2, 6, 0.1, smooth, 12);
    for (const type of ['rff', 'leverage_rff', 'binning', 'exact'] as const) {
      const model = await trainModel(
        data.x,
        data.y,
        spec({ type, count: 150, kernel: 'gaussian', bandwidth: 1 }),
      );
      const copy = deserializeModel(structuredClone(serializeModel(model)));
      expect(Array.from(predictScores(copy, data.x))).toEqual(Array.from(predictScores(model, data.x)));
    }
    const model = await trainModel(
      data.x,
      data.y,
      spec({ type: 'rff', count: 20, kernel: 'gaussian', bandwidth: 1 }),
    );
    const s = serializeModel(model);
    expect(() => deserializeModel({ ...s, weights: new Float64Array(3) })).toThrow(
      expect.objectContaining({ code: 'CORRUPT_DATA' }),
    );
    expect(() => deserializeModel({ ...s, format: 99 })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT_VERSION' }),
    );
  });
});
