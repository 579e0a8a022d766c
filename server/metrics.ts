/**
 * Prometheus metrics: request counts and latency histograms per route template (not per URL, so a
 * collection name or point id never becomes a label and the series count stays bounded). Each server owns
 * its registry, so several servers in one process (tests) do not collide in prom-client's global one.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
}

export function installMetrics(app: FastifyInstance, options: { defaultMetrics: boolean }): ServerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'ditherdb_' });
  const requests = new Counter({
    name: 'ditherdb_http_requests_total',
    help: 'HTTP requests by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'ditherdb_http_request_duration_seconds',
    help: 'HTTP request latency in seconds by method and route template',
    labelNames: ['method', 'route'] as const,
    // 0.5 ms .. 10 s: vector queries sit in the millisecond range, bulk upserts in seconds.
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = request.method;
    requests.inc({ method, route, status_code: String(reply.statusCode) });
    latency.observe({ method, route }, reply.elapsedTime / 1000);
  });
  return { registry };
}
