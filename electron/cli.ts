// storyreel — the command-line interface. It runs the very services the app runs (no Electron). This file
// is the entry and the router only: each command lives in its own module, loaded when it runs, so
// --help and --version load nothing but Node built-ins (`npm run bench -- cli`). Keep this file's static
// imports (and theirs: cli/help.ts, cli/args.ts, cli/output.ts) to node:* and types.
import { UsageError } from './cli/args.ts';
import { HELP, version } from './cli/help.ts';
import { reportError } from './cli/output.ts';

/**
 * The commands: name → a function that loads the command's module and runs it, returning the exit code.
 * A new command is one line here (and one in cli/help.ts's HELP and USAGE).
 */
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  init: async (args) => (await import('./cli/init.ts')).init(args),
  render: async (args) => (await import('./cli/render.ts')).render(args),
  package: async (args) => (await import('./cli/package.ts')).runPackage(args),
  export: async (args) => (await import('./cli/export.ts')).exportCommand(args),
  import: async (args) => (await import('./cli/import.ts')).importCommand(args),
  generate: async (args) => (await import('./cli/import.ts')).generateCommand(args),
  models: async (args) => (await import('./cli/models.ts')).modelsCommand(args),
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(version() + '\n');
    return 0;
  }
  const command = COMMANDS[cmd];
  if (!command) throw new UsageError(cmd.startsWith('-') ? `${cmd} is not an option. Commands: ${Object.keys(COMMANDS).join(', ')}.` : `Unknown command "${cmd}". Commands: ${Object.keys(COMMANDS).join(', ')}.`);
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (err: unknown) => process.exit(await reportError(err)),
);
