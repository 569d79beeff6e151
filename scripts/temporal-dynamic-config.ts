// Temporal's dynamic configuration, one file for every topology: the cluster's nodes and
// docker-compose.yml read temporal/dynamic-config.yaml themselves; the CLI dev server takes each
// setting as a `--dynamic-config-value` flag made from the same file.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export const DYNAMIC_CONFIG_FILE = resolve(__dirname, '..', 'temporal', 'dynamic-config.yaml');

type Setting = { value: unknown; constraints?: Record<string, unknown> };

/** `--dynamic-config-value key=json` for each setting's unconstrained value (the dev server has one namespace). */
export function devServerDynamicConfigArgs(file = DYNAMIC_CONFIG_FILE): string[] {
  const settings = parse(readFileSync(file, 'utf8')) as Record<string, Setting[]>;
  return Object.entries(settings).flatMap(([key, values]) => {
    const general = values.find((v) => !v.constraints || Object.keys(v.constraints).length === 0);
    if (!general) throw new Error(`${file}: ${key} has no value without constraints`);
    return ['--dynamic-config-value', `${key}=${JSON.stringify(general.value)}`];
  });
}
