#!/usr/bin/env node
/** Entry point of the `ditherdb` binary (package.json "bin" → dist/server/cli.js). */
import { createProgram } from './program.js';

createProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`ditherdb: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
