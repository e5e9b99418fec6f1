import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { jwtSettingsFromEnv } from '../../src/jwt/env-file.js';
import { readEnvVars } from '../../src/production/env/load.js';

describe('verify --env-file settings', () => {
  const write = (text: string): string => {
    const file = path.join(tempDir('kv-env-'), 'coord.env');
    writeFileSync(file, text);
    return file;
  };

  it('reads the file as the engine does: export, quotes, $VAR, first declaration wins', async () => {
    const file = write(
      '# c\nexport IDP=https://idp\nKRISHIV_OIDC_JWKS_URI="${IDP}/jwks"\nKRISHIV_OIDC_AUDIENCE=krishiv # note\nKRISHIV_PRODUCTION=yes\nKRISHIV_PRODUCTION=0\n',
    );
    expect(jwtSettingsFromEnv(await readEnvVars(file))).toEqual({ jwksUri: 'https://idp/jwks', audience: 'krishiv', production: true });
  });

  it('keeps an empty audience as set (the engine counts an empty string as set)', async () => {
    expect(jwtSettingsFromEnv(await readEnvVars(write('KRISHIV_OIDC_AUDIENCE=\n')))).toEqual({
      jwksUri: undefined,
      audience: '',
      production: false,
    });
  });

  it('a file the engine refuses is ERR_ENV_PARSE naming file:line', async () => {
    const file = write('A=1\nB=two words\n');
    await expect(readEnvVars(file)).rejects.toMatchObject({ code: 'ERR_ENV_PARSE', input: `${file}:2` });
  });
});
