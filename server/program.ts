/**
 * The `ditherdb` command line: one commander program whose subcommands each live in their own file. To add
 * one (say `bench`), export a {@link CommandModule} from its file and append it to COMMANDS in
 * server/commands/index.ts; nothing else changes.
 */
import { Command } from 'commander';
import { COMMANDS, type CommandModule } from './commands/index.js';
import { DITHERDB_VERSION } from './version.js';

export function createProgram(commands: readonly CommandModule[] = COMMANDS): Command {
  const program = new Command('ditherdb')
    .description('Vector similarity search on dithered low-bit codes')
    .version(DITHERDB_VERSION)
    .showHelpAfterError();
  for (const register of commands) register(program);
  return program;
}
