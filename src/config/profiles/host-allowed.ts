/** Whether `hostname` is on the list: exact names, or `*.example.com` for any name under it. */
export function hostAllowed(hostname: string, allowedHosts: readonly string[]): boolean {
  const host = unbracket(hostname.toLowerCase());
  return allowedHosts.some((entry) => {
    const allowed = unbracket(entry.toLowerCase());
    return allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) : host === allowed;
  });
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
