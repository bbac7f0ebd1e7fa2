import type { AppConfig } from './types.js';

/**
 * The secret values in a configuration: the model service's key, the platforms' tokens and secrets
 * (each platform's config section names them) and a password in a Redis URL. The logger scrubs them from every line.
 */
export function secretValues(config: AppConfig): string[] {
  const values = [
    config.openai.apiKey,
    ...config.platformSecrets,
    config.store.kind === 'redis' ? passwordOf(config.store.url) : undefined,
  ];
  return values.filter((value): value is string => value !== undefined && value !== '');
}

function passwordOf(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}
