import type { z } from 'zod';

/** A section's variables as its rules see them once parsed. */
export type ParsedFields<F extends z.ZodRawShape> = { [K in keyof F]: z.output<F[K]> };

/**
 * Each chat platform's configuration, by platform name. Empty here: config/ knows no platform. Each
 * platform adds its entry by declaration merging in its own config module, e.g.
 * `declare module '../../config/platform-section.js' { interface PlatformConfigs { discord: DiscordConfig | undefined } }`,
 * so `config.platforms.discord` is typed wherever that platform is compiled in.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging, one entry per platform
export interface PlatformConfigs {}

/** A problem between a platform's variables, named by the variable to fix. */
export interface SectionProblem {
  variable: string;
  message: string;
}

/**
 * A platform's part of the one environment schema: its variables' rules (merged into the schema, so
 * one error still lists every problem), the rules between them, and its configuration built from
 * them (undefined when the platform is not configured, e.g. no token). The composition root hands the
 * registry's sections to `loadConfig`.
 */
export interface PlatformSection<Name extends keyof PlatformConfigs = keyof PlatformConfigs> {
  readonly name: Name;
  readonly fields: z.ZodRawShape;
  /** Rules between the platform's variables (a variable that failed its own rule reads as set). */
  check?(env: Readonly<Record<string, unknown>>): readonly SectionProblem[];
  build(env: Readonly<Record<string, unknown>>): PlatformConfigs[Name];
  /** Its secret values (tokens, signing secrets): the logger blanks them in every line. */
  secrets(config: NonNullable<PlatformConfigs[Name]>): readonly (string | undefined)[];
}

/** Any platform's section, as the schema takes them. */
// biome-ignore lint/suspicious/noExplicitAny: a list of sections of different platforms
export type AnyPlatformSection = PlatformSection<any>;
