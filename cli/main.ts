import type { Command } from './command';
import { UsageError } from './command';
import { commands } from './commands';

function help(): string {
  const lines = commands.map((c) => `  kinerja ${c.path.join(' ').padEnd(16)} ${c.summary}`);
  return ['Usage: kinerja <command> [options]', '', 'Commands:', ...lines].join('\n');
}

function select(argv: string[]): { command: Command; rest: string[] } | undefined {
  const matches = commands
    .filter((c) => c.path.every((word, i) => argv[i] === word))
    .sort((a, b) => b.path.length - a.path.length);
  const command = matches[0];
  return command && { command, rest: argv.slice(command.path.length) };
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') {
    console.log(help());
    return 0;
  }
  const selected = select(argv);
  if (!selected) {
    console.error(`Unknown command: ${argv.join(' ')}\n\n${help()}`);
    return 2;
  }
  try {
    return await selected.command.run(selected.rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\nUsage: ${selected.command.usage}`);
      return 2;
    }
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
