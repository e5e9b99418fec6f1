import { describe, expect, it } from 'vitest';
import { completionScript, valuesFromDescription, type CompletionTree } from '../../src/completion/script.js';

const tree: CompletionTree = {
  program: 'krishiv-auth',
  globalOptions: [
    { names: ['--json'], takesValue: false, description: 'one JSON document' },
    { names: ['--config'], takesValue: true, file: true, description: 'config file' },
  ],
  commands: [
    {
      name: 'check-production',
      description: 'check env files',
      options: [
        { names: ['--role'], takesValue: true, values: ['cluster', 'coordinator'], description: 'cluster|coordinator' },
        { names: ['-f', '--format'], takesValue: true, values: ['text', 'sarif'], description: 'text|sarif' },
      ],
      args: [],
      subcommands: [],
    },
    {
      name: 'keys',
      description: 'stored keys',
      options: [],
      args: [],
      subcommands: [
        {
          name: 'list',
          description: 'list them',
          options: [{ names: ['--all'], takesValue: false, description: "it's all" }],
          args: [],
          subcommands: [],
        },
      ],
    },
    { name: 'explain', description: 'one check', options: [], args: [{ values: ['A-ONE', 'B-TWO'] }], subcommands: [] },
  ],
};

describe('valuesFromDescription', () => {
  it('reads the a|b|c list a help text starts with, after an optional scope word', () => {
    expect(valuesFromDescription('text|json|sarif (default text)')).toEqual(['text', 'json', 'sarif']);
    expect(valuesFromDescription('bearer: coordinator|executor-task|ui|shuffle (prints the KRISHIV_… line)')).toEqual([
      'coordinator',
      'executor-task',
      'ui',
      'shuffle',
    ]);
    expect(valuesFromDescription('begin | finish | revoke | status')).toEqual(['begin', 'finish', 'revoke', 'status']);
    expect(valuesFromDescription('api-key: admin|writer|reader, comma-separated (metadata)')).toEqual(['admin', 'writer', 'reader']);
  });

  it('gives nothing for prose, even with a pipe further on', () => {
    expect(valuesFromDescription('key store (default ./krishiv-keys.json)')).toBeUndefined();
    expect(valuesFromDescription('JWKS file or URL, a|b later')).toBeUndefined();
    expect(valuesFromDescription('k8s-secret: print a Secret manifest')).toBeUndefined();
  });
});

describe('completionScript', () => {
  it('bash: one case arm per command path, values per option, the function registered', () => {
    const s = completionScript('bash', tree);
    expect(s).toContain(`'') printf '%s\\n' 'check-production keys explain' ;;`);
    expect(s).toContain(`'keys') printf '%s\\n' 'list' ;;`);
    expect(s).toContain(`'check-production|-f') printf '%s\\n' 'text sarif' ;;`);
    expect(s).toContain(`'check-production|--format') printf '%s\\n' 'text sarif' ;;`);
    expect(s).toContain(`'keys list|--config') printf '%s\\n' '@file' ;;`);
    expect(s).toContain(`'explain|0') printf '%s\\n' 'A-ONE B-TWO' ;;`);
    expect(s.trimEnd().split('\n').at(-1)).toBe('complete -F _krishiv_auth krishiv-auth');
  });

  it('zsh: the same logic through bashcompinit', () => {
    const s = completionScript('zsh', tree);
    expect(s.split('\n')[0]).toBe('#compdef krishiv-auth');
    expect(s).toContain('bashcompinit');
    expect(s).toContain('complete -F _krishiv_auth krishiv-auth');
  });

  it('fish: commands, subcommands under their group, options with their values, quotes escaped', () => {
    const s = completionScript('fish', tree);
    expect(s).toContain(
      `complete -c krishiv-auth -n 'not __fish_seen_subcommand_from check-production keys explain' -a keys -d 'stored keys'`,
    );
    expect(s).toContain(
      `complete -c krishiv-auth -n '__fish_seen_subcommand_from keys; and not __fish_seen_subcommand_from list' -a list -d 'list them'`,
    );
    expect(s).toContain(`-s f -l format -x -a 'text sarif'`);
    expect(s).toContain(`-l all -d 'it\\'s all'`);
    expect(s).toContain(`complete -c krishiv-auth -l config -r -F -d 'config file'`);
    expect(s).toContain(`complete -c krishiv-auth -n '__fish_seen_subcommand_from explain' -a 'A-ONE B-TWO'`);
  });
});
