/**
 * Text styling as renderers see it: a set of functions that decorate text, identity when colour
 * is off. Kept apart from output.ts so a renderer bundled into a command (the check-production
 * text report) does not pull in and initialise the whole Output class.
 */
/** Styling functions; identity when colour is off. */
export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
  gray(s: string): string;
}

const identity = (s: string): string => s;
export const PLAIN: Style = Object.freeze({
  enabled: false,
  bold: identity,
  dim: identity,
  red: identity,
  green: identity,
  yellow: identity,
  blue: identity,
  cyan: identity,
  magenta: identity,
  gray: identity,
});
