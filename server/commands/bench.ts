/**
 * `ditherdb bench`: recall against bits on an ANN dataset, ditherdb beside the peer systems that are installed
 * (bench/ann.ts does the work; `npm run bench` runs the same options through tsx). The driver is imported
 * when the command runs, so `ditherdb serve` never loads the charting libraries.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';

function intList(min: number, max: number): (value: string) => number[] {
  return (value) => {
    const out = value.split(',').map((s) => s.trim());
    const nums = out.map(Number);
    if (out.some((s) => !/^[0-9]+$/.test(s)) || nums.some((n) => n < min || n > max))
      throw new InvalidArgumentError(`expected a comma-separated list of integers ${min}..${max}`);
    return [...new Set(nums)];
  };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n < 1 || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected an integer ≥ 1');
  return n;
}

function kindList(value: string): ('dithered' | 'turbo')[] {
  const kinds = value.split(',').map((s) => s.trim());
  for (const k of kinds)
    if (k !== 'dithered' && k !== 'turbo') throw new InvalidArgumentError('expected dithered and/or turbo');
  return [...new Set(kinds)] as ('dithered' | 'turbo')[];
}

const PEER_NAMES = ['hnswlib', 'usearch', 'lancedb'];

function peerList(value: string): string[] {
  if (value === 'none' || value === '') return [];
  if (value === 'all') return [...PEER_NAMES];
  const peers = value.split(',').map((s) => s.trim());
  for (const p of peers)
    if (!PEER_NAMES.includes(p))
      throw new InvalidArgumentError(`expected all, none or a list of ${PEER_NAMES.join(', ')}`);
  return [...new Set(peers)];
}

interface BenchFlags {
  dataset: string;
  metric?: 'l2' | 'cosine' | 'dot';
  bits: number[];
  kinds: ('dithered' | 'turbo')[];
  k: number;
  queries: number;
  scanQueries: number;
  nprobe: number[];
  oversampling: number;
  peers: string[];
  out: string;
  name: string;
  maxTrain?: number;
  seed: number;
  quiet?: boolean;
}

type AnnModule = typeof import('../../bench/ann.js');

/**
 * Adds the benchmark's options and action to `cmd` (a subcommand, or the whole program under tsx). `load`
 * supplies the driver: bench/ann.ts passes itself, since importing a module from inside its own top-level
 * await would wait on itself forever.
 */
export function configureBench(
  cmd: Command,
  load: () => Promise<Pick<AnnModule, 'ANN_DEFAULTS' | 'runAnnBench'>> = () => import('../../bench/ann.js'),
): Command {
  return cmd
    .description(
      'Recall against bits on an ANN dataset: ditherdb per quantizer kind and bit width (every code scanned ' +
        'without rerank; nprobe sweep with and without rerank), beside hnswlib-node, usearch and LanceDB when ' +
        'installed. Writes JSON, a Markdown table and SVG plots.',
    )
    .addOption(
      new Option(
        '--dataset <path|name>',
        'fashion-mnist, an ann-benchmarks .hdf5, .fvecs/.npy/... or a folder',
      ).default('fashion-mnist'),
    )
    .addOption(
      new Option('--metric <metric>', 'override the dataset metric').choices(['l2', 'cosine', 'dot']),
    )
    .addOption(
      new Option('--bits <list>', 'bit widths, e.g. 1,2,4')
        .argParser(intList(1, 8))
        .default([1, 2, 3, 4, 5, 6, 8], '1,2,3,4,5,6,8'),
    )
    .addOption(
      new Option('--kinds <list>', 'quantizer kinds')
        .argParser(kindList)
        .default(['dithered', 'turbo'], 'dithered,turbo'),
    )
    .addOption(
      new Option('--k <k>', 'results per query in the QPS sweep (≤ 100)').argParser(positiveInt).default(10),
    )
    .addOption(new Option('--queries <n>', 'test rows used as queries').argParser(positiveInt).default(1000))
    .addOption(
      new Option('--scan-queries <n>', 'queries of the scan-every-code pass (k = 100, no rerank)')
        .argParser(positiveInt)
        .default(100),
    )
    .addOption(
      new Option('--nprobe <list>', 'IVF lists probed in the sweep')
        .argParser(intList(1, 1 << 20))
        .default([4, 16, 64], '4,16,64'),
    )
    .addOption(
      new Option('--oversampling <x>', 'rerank keeps k·x candidates').argParser(positiveInt).default(4),
    )
    .addOption(
      new Option('--peers <list>', 'peer systems: all, none, or hnswlib,usearch,lancedb')
        .argParser(peerList)
        .default([...PEER_NAMES], 'all'),
    )
    .addOption(new Option('--no-peers', 'same as --peers none'))
    .addOption(new Option('--out <dir>', 'output folder').default('docs/benchmarks/fashion-mnist'))
    .addOption(new Option('--name <stem>', 'file stem of the results').default('fashion-mnist'))
    .addOption(new Option('--max-train <n>', 'read at most n train rows (smoke runs)').argParser(positiveInt))
    .addOption(new Option('--seed <n>', 'quantizer seed').argParser((v) => Number(v)).default(42))
    .addOption(new Option('--quiet', 'no progress bars or per-configuration lines'))
    .action(async (flags: BenchFlags & { peers: string[] | false }) => {
      const { ANN_DEFAULTS, runAnnBench } = await load();
      const result = await runAnnBench({
        ...ANN_DEFAULTS,
        dataset: flags.dataset,
        bits: flags.bits,
        kinds: flags.kinds,
        k: flags.k,
        queries: flags.queries,
        scanQueries: flags.scanQueries,
        nprobes: flags.nprobe,
        oversampling: flags.oversampling,
        peers: flags.peers === false ? [] : flags.peers,
        out: flags.out,
        name: flags.name,
        seed: flags.seed,
        quiet: flags.quiet === true,
        ...(flags.metric === undefined ? {} : { metric: flags.metric }),
        ...(flags.maxTrain === undefined ? {} : { maxTrain: flags.maxTrain }),
      });
      process.stdout.write(`${result.written.markdown}\n`);
    });
}

export function benchCommand(program: Command): void {
  configureBench(program.command('bench'));
}
