import { normalPdf } from '../src/normal.js';
import type { Lattice } from '../src/quantizer/lattice.js';

/**
 * E[(ẑ − z)²] for z ~ N(0, 1) (a rotated coordinate) under the lattice with a uniform dither, by quadrature:
 * the expected relative squared error ‖x − x̂‖²/‖x − c‖² of a code, before the per-vector gain.
 */
export function latticeMse(lattice: Lattice): number {
  const zs = 1200;
  const us = 64;
  const zMax = 7;
  let total = 0;
  let weight = 0;
  for (let i = 0; i < zs; i++) {
    const z = -zMax + ((i + 0.5) * 2 * zMax) / zs;
    const w = normalPdf(z);
    let e = 0;
    for (let j = 0; j < us; j++) {
      const u = (j + 0.5) / us;
      const zh = lattice.reconstruct(lattice.level(z, u), u);
      e += (zh - z) ** 2;
    }
    total += (w * e) / us;
    weight += w;
  }
  return total / weight;
}
