import { ConfigError, type ConfigProblem } from '../../core/errors.js';

/** A place in the profiles file: keys and list positions. */
export type FilePath = readonly PropertyKey[];

/** `profiles.support.model`, `http_tools[0].headers.Authorization`. */
export function formatPath(path: FilePath): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    const key = String(part);
    return text === '' ? key : `${text}.${key}`;
  }, '');
}

/** Collects problems by path, to throw them all at once. */
export class Problems {
  readonly list: ConfigProblem[] = [];

  add(path: FilePath, problem: string): void {
    this.list.push({ variable: formatPath(path) || '(file)', problem });
  }

  /** @throws ConfigError with every problem so far, titled with the file. */
  throwIfAny(file: string): void {
    if (this.list.length > 0) throw new ConfigError(this.list, { source: `profiles file ${file}` });
  }
}
