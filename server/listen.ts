/**
 * Running the server: listen on host:port and shut down gracefully. On SIGTERM or SIGINT the server stops
 * accepting connections, lets in-flight requests finish (Fastify's close), then closes LevelDB (the
 * server's onClose hook) and exits 0; a second signal exits at once with 1.
 */
import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerOptions } from './app.js';

export interface ListenOptions extends ServerOptions {
  host: string;
  port: number;
}

export interface RunningServer {
  app: FastifyInstance;
  /** http://host:port actually bound (port 0 resolves to the kernel's choice). */
  url: string;
}

export async function startServer(options: ListenOptions): Promise<RunningServer> {
  const { host, port, ...serverOptions } = options;
  const app = await buildServer(serverOptions);
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shownHost}:${bound}` };
}

/** Installs the SIGTERM/SIGINT handlers; returns a function that removes them. */
export function closeOnSignals(
  app: FastifyInstance,
  exit: (code: number) => void = process.exit,
): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting without waiting');
      exit(1);
      return;
    }
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests, then closing the database');
    app.close().then(
      () => exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
