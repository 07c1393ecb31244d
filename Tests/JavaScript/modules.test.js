// The web app's modules import each other without cycles: each can be read, tested and changed
// knowing only what it imports. A cycle is reported with the path that closes it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../Sources/ShopdeskServer/Public/app/', import.meta.url));

function modules(directory, prefix = '') {
  return readdirSync(join(root, directory), { withFileTypes: true }).flatMap((entry) => entry.isDirectory()
    ? modules(join(directory, entry.name), join(prefix, entry.name))
    : entry.name.endsWith('.js') ? [join(prefix, entry.name)] : []);
}

function imports(name) {
  const source = readFileSync(join(root, name), 'utf8');
  return [...source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)].map((match) => normalize(join(dirname(name), match[1])));
}

test('no module imports itself through others', () => {
  const graph = new Map(modules('.').map((name) => [name, imports(name)]));
  assert.ok(graph.size > 20, 'the modules were found');
  const done = new Set();
  const cycles = [];
  const visit = (name, path) => {
    if (path.includes(name)) { cycles.push([...path.slice(path.indexOf(name)), name].join(' → ')); return; }
    if (done.has(name)) return;
    for (const next of graph.get(name) ?? []) visit(next, [...path, name]);
    done.add(name);
  };
  for (const name of graph.keys()) visit(name, []);
  assert.deepEqual(cycles, []);
});
