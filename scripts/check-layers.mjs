#!/usr/bin/env node
// Enforces DESIGN §1: imports flow one way, server -> facade -> index, storage -> src.
// src/ must not import Node I/O or any upper layer; storage/ and index/ must not import server/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rules = {
  src: {
    forbiddenDirs: ['storage', 'index', 'server'],
    forbiddenModules:
      /^(node:)?(fs|net|http|https|child_process|dgram|tls)(\/|$)|^(level|classic-level|hnswlib-node|fastify)/,
  },
  storage: { forbiddenDirs: ['index', 'server'], forbiddenModules: /^fastify/ },
  index: { forbiddenDirs: ['server'], forbiddenModules: /^fastify/ },
};
const problems = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) check(p);
  }
}
function check(file) {
  const layer = relative(root, file).split('/')[0];
  const rule = rules[layer];
  if (!rule) return;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(
    /(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith('.')) {
      const target = relative(root, join(file, '..', spec)).split('/')[0];
      if (rule.forbiddenDirs.includes(target))
        problems.push(`${relative(root, file)} imports ${spec} (${layer} -> ${target})`);
    } else if (rule.forbiddenModules.test(spec)) {
      problems.push(`${relative(root, file)} imports ${spec}, not allowed in ${layer}/`);
    }
  }
}
for (const layer of Object.keys(rules)) {
  try {
    walk(join(root, layer));
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
}
if (problems.length) {
  console.error(`Layering violations (DESIGN §1):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('layers ok');
