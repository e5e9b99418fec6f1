/**
 * The official SARIF 2.1.0 schema (test/fixtures/report/sarif-2.1.0-rtm.5.json, see SOURCE.md)
 * compiled with ajv + ajv-formats. The schema is draft-04; ajv 8 speaks draft-07, whose
 * meaning is the same for every keyword this schema uses, so only `$schema` is dropped and
 * strict mode is off for its draft-04 `id`. `unicodeRegExp: false`: the schema's `language`
 * pattern (`…-[a-zA-Z]{2}]?$`, a stray bracket) is a valid ECMAScript regex only without the u flag.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let validator: ValidateFunction | undefined;

export function sarifValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(new URL('../fixtures/report/sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
  delete schema['$schema'];
  delete schema['id'];
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  validator = ajv.compile(schema);
  return validator;
}

/** Schema errors as readable lines (empty when valid). */
export function sarifErrors(log: unknown): string[] {
  const validate = sarifValidator();
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
