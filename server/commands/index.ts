/**
 * Subcommands of the `ditherdb` CLI, in help order. A subcommand is a function that attaches itself to the
 * program; add new ones (from any folder) to this list.
 */
import type { Command } from 'commander';
import { benchCommand } from './bench.js';
import { serveCommand } from './serve.js';

export type CommandModule = (program: Command) => void;

export const COMMANDS: readonly CommandModule[] = [serveCommand, benchCommand];
