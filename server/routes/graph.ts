/**
 * Graph routes: spectral partitioning and local clustering of a collection's kNN graph (index/graph), built
 * through the collection's own search and kept beside it until points change.
 *
 * Bodies are checked for shape here (types, unknown keys → 400); ranges are the library's to reject
 * (INVALID_ARGUMENT → 400), as for the signal routes, so that every bad parameter of these routes is a 400.
 * A seed id that is well-formed but names no point is POINT_NOT_FOUND (404), as Qdrant answers a query by the
 * id of a missing point: the request was understood, the resource it names does not exist.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type CollectionGraph, loadCollectionGraph } from '../../index/graph/collection-graph.js';
import { localClusterParallel, WalkWorkerPool } from '../../index/graph/walk-pool.js';
import type { PointId } from '../../index/types.js';
import { assertArg, DitherError } from '../../src/errors.js';
import { normalizePointId } from '../../src/filter/index.js';
import { csrFromGraph } from '../../src/graph/csr.js';
import { partitionQuality } from '../../src/graph/cut.js';
import { LAPLACIAN_KINDS } from '../../src/graph/laplacian.js';
import {
  type LocalCluster,
  type LocalClusterOptions,
  localCluster,
  resolveLocalOptions,
} from '../../src/graph/local.js';
import { spectralPartition } from '../../src/graph/spectral.js';
import type { ServerContext } from '../app.js';
import { ok } from '../envelope.js';
import { CollectionNameParams } from '../schemas.js';

const closed = { additionalProperties: false } as const;

/**
 * Walk steps from which the walks run on worker threads. The synchronous driver takes ≈ 1 µs per step with
 * its PageRank sweep (measured 2026-12-04 on a shared 2-core machine: 2^18 steps 0.85 s, 2^20 3.4 s), all of it
 * blocking the event loop; starting the threads costs ≈ 50 ms from compiled JavaScript (more from sources).
 * From 2^19 steps the server hands the walks to threads so that it keeps answering other requests.
 */
export const PARALLEL_WALK_STEPS = 1 << 19;

const kNeighbors = Type.Optional(
  Type.Integer({ description: 'Neighbours per point in the kNN graph (default 10)' }),
);
const rebuild = Type.Optional(
  Type.Boolean({ description: 'Rebuild the kNN graph even when a fresh one is stored' }),
);

const PartitionBody = Type.Object(
  {
    k_neighbors: kNeighbors,
    laplacian: Type.Optional(
      Type.Union(
        LAPLACIAN_KINDS.map((k) => Type.Literal(k)),
        { description: "Default 'unnormalized' (robust to helpful adversaries; docs/graph.md)" },
      ),
    ),
    parts: Type.Optional(Type.Integer({ description: 'Number of parts (default 2)' })),
    cut: Type.Optional(Type.Union([Type.Literal('sign'), Type.Literal('sweep')])),
    rebuild,
  },
  closed,
);

const LocalClusterBody = Type.Object(
  {
    seed_ids: Type.Array(Type.Ref('PointId'), { description: 'Points the walks start from' }),
    k_neighbors: kNeighbors,
    walk_length: Type.Optional(Type.Integer({ description: 'Steps per walk (default 16)' })),
    walks: Type.Optional(Type.Integer({ description: 'Number of walks (default 1000)' })),
    alpha: Type.Optional(Type.Number({ description: 'Teleport probability of PageRank (default 0.15)' })),
    rebuild,
  },
  closed,
);

const ONE_NODE = csrFromGraph({ nodes: 1, edges: [] });

type NameParams = Static<typeof CollectionNameParams>;
type PartitionRequest = Static<typeof PartitionBody>;
type LocalClusterRequest = Static<typeof LocalClusterBody>;

function graphInfo(g: CollectionGraph) {
  return {
    points: g.graph.nodes,
    edges: g.graph.targets.length / 2,
    k_neighbors: g.params.k,
    source: g.source,
    built_at: g.builtAt,
  };
}

async function clusterOn(
  g: CollectionGraph,
  seeds: number[],
  options: LocalClusterOptions,
): Promise<LocalCluster> {
  const o = resolveLocalOptions(g.graph, seeds, options).options;
  if (o.walks * (o.walkLength + 1) < PARALLEL_WALK_STEPS) return localCluster(g.graph, seeds, options);
  // Same walks as the synchronous driver (bit-identical), drawn on worker threads so the server keeps serving.
  const pool = new WalkWorkerPool(g.graph);
  try {
    return await localClusterParallel(pool, seeds, options);
  } finally {
    await pool.close();
  }
}

export function registerGraphRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const tags = ['graph'];

  app.post(
    '/collections/:name/graph/partition',
    {
      schema: {
        summary: "Spectral partition of the collection's kNN graph",
        tags,
        params: CollectionNameParams,
        body: PartitionBody,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const body = req.body as PartitionRequest;
      const collection = ctx.db.collection(name);
      const g = await loadCollectionGraph(collection, {
        k: body.k_neighbors ?? 10,
        ...(body.rebuild === undefined ? {} : { rebuild: body.rebuild }),
      });
      const labels = spectralPartition(g.graph, {
        laplacian: body.laplacian ?? 'unnormalized',
        parts: body.parts ?? 2,
        ...(body.cut === undefined ? {} : { cut: body.cut }),
      });
      const q = partitionQuality(g.graph, labels);
      const parts: PointId[][] = q.partSizes.map(() => []);
      labels.forEach((label, node) => {
        parts[label]!.push(g.ids[node]!);
      });
      return ok(reply, {
        parts,
        cut_size: q.cutSize,
        conductance: q.conductance,
        part_conductance: q.partConductance,
        graph: graphInfo(g),
      });
    },
  );

  app.post(
    '/collections/:name/graph/local-cluster',
    {
      schema: {
        summary: 'Local cluster around seed points: random walks, personalized PageRank, sweep cut',
        tags,
        params: CollectionNameParams,
        body: LocalClusterBody,
      },
    },
    async (req, reply) => {
      const { name } = req.params as NameParams;
      const body = req.body as LocalClusterRequest;
      const collection = ctx.db.collection(name);
      assertArg(body.seed_ids.length >= 1, 'INVALID_ARGUMENT', 'seed_ids: at least one seed is needed');
      const seedIds = body.seed_ids.map((id, i) => normalizePointId(id, `seed_ids[${i}]`));
      const options: LocalClusterOptions = {
        ...(body.walk_length === undefined ? {} : { walkLength: body.walk_length }),
        ...(body.walks === undefined ? {} : { walks: body.walks }),
        ...(body.alpha === undefined ? {} : { alpha: body.alpha }),
      };
      // Reject bad walk parameters before a possibly long graph build: the library's own check, on a
      // one-node stand-in (it reads only the node count, to check seeds).
      resolveLocalOptions(ONE_NODE, [0], options);
      const g = await loadCollectionGraph(collection, {
        k: body.k_neighbors ?? 10,
        ...(body.rebuild === undefined ? {} : { rebuild: body.rebuild }),
      });
      const seeds = seedIds.map((id) => {
        const node = g.nodeOf(id);
        if (node === undefined)
          throw new DitherError('POINT_NOT_FOUND', `seed_ids: no point with id ${String(id)} found`);
        return node;
      });
      const cluster = await clusterOn(g, seeds, options);
      return ok(reply, {
        ids: cluster.nodes.map((node) => g.ids[node]!),
        conductance: cluster.conductance,
        touched: cluster.touched,
        cut_size: cluster.cutSize,
        volume: cluster.volume,
        graph: graphInfo(g),
      });
    },
  );
}
