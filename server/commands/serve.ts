/**
 * `ditherdb serve`: the Qdrant-compatible REST server over an embedded LevelDB folder. Every flag can also
 * come from an environment variable (the flag wins), as container deployments configure through env.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_BODY_LIMIT, DEFAULT_SEARCH_CONCURRENCY } from '../app.js';
import { closeOnSignals, startServer } from '../listen.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port 0..65535');
  return port;
}

function parseBytes(value: string): number {
  const m = /^([0-9]+)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected bytes, e.g. 33554432, 32MiB or 64mb');
  const unit = (m[2] ?? 'b').toLowerCase();
  const scale: Record<string, number> = {
    b: 1,
    kb: 1e3,
    kib: 1024,
    mb: 1e6,
    mib: 1024 ** 2,
    gb: 1e9,
    gib: 1024 ** 3,
  };
  const bytes = Number(m[1]) * (scale[unit] ?? 1);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new InvalidArgumentError('expected a positive size');
  return bytes;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n < 1 || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected an integer ≥ 1');
  return n;
}

interface ServeFlags {
  data: string;
  port: number;
  host: string;
  apiKey?: string;
  bodyLimit: number;
  logLevel: string;
  searchConcurrency: number;
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the Qdrant-compatible REST server on an embedded LevelDB folder')
    .addOption(
      new Option('--data <dir>', 'data folder (created if missing)').env('DITHERDB_DATA').default('./data'),
    )
    .addOption(
      new Option('--port <port>', 'TCP port').env('DITHERDB_PORT').argParser(parsePort).default(6333),
    )
    .addOption(new Option('--host <host>', 'interface to bind').env('DITHERDB_HOST').default('127.0.0.1'))
    .addOption(
      new Option('--api-key <key>', 'require this API key (api-key header or Bearer)').env(
        'DITHERDB_API_KEY',
      ),
    )
    .addOption(
      new Option('--body-limit <bytes>', 'largest request body (e.g. 32MiB)')
        .env('DITHERDB_BODY_LIMIT')
        .argParser(parseBytes)
        .default(DEFAULT_BODY_LIMIT, '32MiB'),
    )
    .addOption(
      new Option('--search-concurrency <n>', 'searches run at once; more requests queue')
        .env('DITHERDB_SEARCH_CONCURRENCY')
        .argParser(parsePositiveInt)
        .default(DEFAULT_SEARCH_CONCURRENCY),
    )
    .addOption(
      new Option('--log-level <level>', 'pino log level')
        .env('DITHERDB_LOG_LEVEL')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .action(async (flags: ServeFlags) => {
      const { app, url } = await startServer({
        dataPath: flags.data,
        host: flags.host,
        port: flags.port,
        bodyLimit: flags.bodyLimit,
        logger: { level: flags.logLevel },
        processMetrics: true,
        searchConcurrency: flags.searchConcurrency,
        ...(flags.apiKey !== undefined && flags.apiKey !== '' ? { apiKey: flags.apiKey } : {}),
      });
      closeOnSignals(app);
      app.log.info({ url, data: flags.data, auth: flags.apiKey ? 'api-key' : 'none' }, 'ditherdb listening');
    });
}
