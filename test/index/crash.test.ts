import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../index/database.js';
import { vectorOf } from '../fixtures/ingest-child.js';
import { tempDir } from './helpers.js';

const child = fileURLToPath(new URL('../fixtures/ingest-child.ts', import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('crash safety', () => {
  it('a child killed with SIGKILL mid-ingest (and mid-training) loses no acknowledged point', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    // `node --import tsx` runs the child in this very process (the tsx CLI would fork a grandchild SIGKILL misses).
    const proc = spawn(process.execPath, ['--import', 'tsx', child, t.path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let lastAcked = -1;
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) lastAcked = Number(line.split(' ')[1]);
        // Past the flat threshold (3000) training runs in the background: kill in the middle of it all.
        if (lastAcked >= 5000) {
          proc.kill('SIGKILL');
          resolve();
        }
      });
      proc.on('exit', (code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}`)),
      );
    });
    await new Promise((r) => proc.once('exit', r).once('close', r));
    const db = await Database.open(t.path);
    const c = db.collection('crash');
    const count = await c.count();
    expect(count).toBeGreaterThanOrEqual(lastAcked + 1);
    // Batches are atomic: the count is a whole number of batches.
    expect(count % 200).toBe(0);
    const ids = Array.from({ length: lastAcked + 1 }, (_, i) => i);
    const got = await c.get(ids, { withVector: true });
    expect(got.length).toBe(lastAcked + 1);
    for (const p of got.slice(0, 50)) {
      const id = p.id as number;
      expect(p.payload).toEqual({ id });
      expect(p.vector![3]).toBeCloseTo(vectorOf(id)[3]!, 5);
    }
    // The reopened collection searches: the nearest point to a stored vector is itself.
    const probe = got[123]!;
    expect((await c.search(probe.vector!, { k: 1 }))[0]!.id).toBe(123);
    await db.close();
  }, 120_000);
});
