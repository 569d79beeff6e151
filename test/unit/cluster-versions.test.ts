// docker-compose.yml describes the topology `npm start -- --cluster` runs: its Temporal images must be
// the versions built here (scripts/temporal-cluster-binaries.ts pins them, in one place), with the
// same number of history shards and the same dynamic configuration.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../scripts/temporal-cluster-binaries';
import { DEFAULT_HISTORY_SHARDS } from '../../scripts/temporal-cluster';
import { devServerDynamicConfigArgs } from '../../scripts/temporal-dynamic-config';

const compose = readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
const images = [...compose.matchAll(/^\s*image:\s*(\S+)/gm)].map((m) => m[1]);
const tagsOf = (repository: string) => images.filter((i) => i.startsWith(`${repository}:`)).map((i) => i.slice(repository.length + 1));
const bare = (version: string) => version.replace(/^v/, '');

test('every Temporal server image in docker-compose.yml is the pinned server version', () => {
  const serverTags = [...tagsOf('temporalio/server'), ...tagsOf('temporalio/auto-setup')];
  expect(tagsOf('temporalio/server')).toHaveLength(1); // the second node
  expect(serverTags.length).toBeGreaterThanOrEqual(2);
  expect(new Set(serverTags)).toEqual(new Set([bare(TEMPORAL_SERVER_VERSION)]));
});

test('the Temporal UI image in docker-compose.yml is the pinned UI server version', () => {
  expect(tagsOf('temporalio/ui')).toEqual([bare(TEMPORAL_UI_VERSION)]);
});

test('docker-compose.yml names no other Temporal image', () => {
  const temporal = images.filter((i) => i.startsWith('temporalio/'));
  expect(temporal.every((i) => /^temporalio\/(server|auto-setup|ui):/.test(i))).toBe(true);
});

test('docker-compose.yml has the same shards, dynamic configuration and two workers', () => {
  expect([...compose.matchAll(/NUM_HISTORY_SHARDS:\s*"(\d+)"/g)].map((m) => Number(m[1]))).toEqual([DEFAULT_HISTORY_SHARDS]);
  expect(compose).toContain('./temporal/dynamic-config.yaml:/etc/temporal/dynamic-config.yaml:ro');
  expect([...compose.matchAll(/^  (worker-\d+):/gm)].map((m) => m[1])).toEqual(['worker-1', 'worker-2']);
});

test('the dev server gets every setting of the dynamic configuration the cluster reads', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'kinerja-dc-')), 'dynamic-config.yaml');
  writeFileSync(file, 'a.flag:\n  - value: true\nb.limit:\n  - value: 5\n    constraints: { namespace: other }\n  - value: 3\n');
  expect(devServerDynamicConfigArgs(file)).toEqual(['--dynamic-config-value', 'a.flag=true', '--dynamic-config-value', 'b.limit=3']);
  const shipped = devServerDynamicConfigArgs();
  expect(shipped).toContain('system.enableActivityEagerExecution=true');
  expect(shipped).toContain('frontend.enableUpdateWorkflowExecution=true');
});
