/**
 * The `ditherdb serve` process: configuration from environment variables, a listening server, and graceful
 * shutdown on SIGTERM — exit code 0 and LevelDB closed (the folder opens again at once, which a leaked lock
 * would prevent).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { Database } from '../../index/database.js';
import { createProgram } from '../../server/program.js';

const root = new URL('../..', import.meta.url).pathname;

it('lists serve among its subcommands with every flag', () => {
  const program = createProgram();
  const serve = program.commands.find((c) => c.name() === 'serve');
  expect(serve).toBeDefined();
  const flags = serve?.options.map((o) => o.long) ?? [];
  expect(flags).toEqual(
    expect.arrayContaining([
      '--data',
      '--port',
      '--host',
      '--api-key',
      '--body-limit',
      '--log-level',
      '--search-concurrency',
    ]),
  );
  const envs = serve?.options.map((o) => o.envVar) ?? [];
  expect(envs).toEqual(
    expect.arrayContaining([
      'DITHERDB_DATA',
      'DITHERDB_PORT',
      'DITHERDB_HOST',
      'DITHERDB_API_KEY',
      'DITHERDB_BODY_LIMIT',
    ]),
  );
});

it('serves from env configuration and shuts down cleanly on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ditherdb-cli-'));
  const data = join(dir, 'data');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/cli.ts'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      DITHERDB_DATA: data,
      DITHERDB_PORT: '0',
      DITHERDB_API_KEY: 'k',
      DITHERDB_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/collections`)).status).toBe(401);
    const created = await fetch(`${url}/collections/c`, {
      method: 'PUT',
      headers: { 'api-key': 'k', 'content-type': 'application/json' },
      body: JSON.stringify({ vectors: { size: 3, distance: 'Dot' } }),
    });
    expect(created.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const db = await Database.open(data);
    expect(db.listCollections()).toEqual(['c']);
    await db.close();
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
