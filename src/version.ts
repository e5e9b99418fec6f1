/** The tool's version; replaced at build time from package.json (see scripts/build.mjs). */
declare const __KRISHIV_AUTH_VERSION__: string | undefined;

export const VERSION: string = typeof __KRISHIV_AUTH_VERSION__ === 'string' ? __KRISHIV_AUTH_VERSION__ : '0.0.0-dev';

/** The Krishiv engine commit whose rules this tool follows (krishiv-auth-surface.md). */
export const ENGINE_COMMIT = 'e8be785f';

/** The `tool` block every JSON document carries. */
export const TOOL_INFO = Object.freeze({ name: 'krishiv-auth', version: VERSION, engine: ENGINE_COMMIT });
