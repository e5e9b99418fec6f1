/**
 * The command tree for completion scripts, read from a commander program on which every
 * command has defined itself (its options, arguments, subcommands and help texts).
 */
import type { Command, Option } from 'commander';
import { valuesFromDescription, type CompletionCommand, type CompletionOption, type CompletionTree, type ValueSpec } from './script.js';

/** What a value completes to: commander's choices, else the `a|b|c` list its help starts with, else file names for `<file>`. */
function valueOf(name: string, description: string, choices: readonly string[] | undefined): ValueSpec {
  if (choices && choices.length > 0) return { values: choices };
  const fromHelp = valuesFromDescription(description);
  if (fromHelp) return { values: fromHelp };
  return /file|pem/i.test(name) ? { file: true } : {};
}

function option(o: Option): CompletionOption {
  const takesValue = o.required || o.optional;
  const valueName = /[<[]([^>\]]*)[>\]]/.exec(o.flags)?.[1] ?? '';
  return {
    names: [o.short, o.long].filter((n): n is string => n !== undefined),
    takesValue,
    description: o.description,
    ...(takesValue ? valueOf(valueName, o.description, o.argChoices) : {}),
  };
}

/**
 * The tree of `program`. `argumentValues` gives fixed values for a positional argument that
 * help cannot list (`explain <id>`: every check id), keyed `command argument`.
 */
export function commandTree(program: Command, argumentValues: Readonly<Record<string, readonly string[]>>): CompletionTree {
  const command = (c: Command): CompletionCommand => ({
    name: c.name(),
    description: c.summary() || c.description().split('\n')[0]!,
    options: c.options.filter((o) => !o.hidden).map(option),
    args: c.registeredArguments.map((a) => {
      const known = argumentValues[`${c.name()} ${a.name()}`];
      const spec: ValueSpec = known ? { values: known } : valueOf(a.name(), a.description, a.argChoices);
      return a.variadic ? { ...spec, variadic: true } : spec;
    }),
    subcommands: c.commands.map(command),
  });
  const commands = program.commands.map(command);
  commands.push({
    name: 'help',
    description: 'show help for a command',
    options: [],
    args: [{ values: commands.map((c) => c.name) }],
    subcommands: [],
  });
  return {
    program: program.name(),
    globalOptions: [...program.options.map(option), { names: ['-h', '--help'], takesValue: false, description: 'show help' }],
    commands,
  };
}
